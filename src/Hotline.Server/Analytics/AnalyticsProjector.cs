using System.Collections.Frozen;
using Hotline.Domain.Analytics;
using Hotline.Domain.Sla;
using Hotline.Domain.Tickets;
using Hotline.Server.Data;
using Hotline.Server.Live;
using Hotline.Server.Sla;
using Hotline.Server.Text;
using Hotline.Server.Common;
using Hotline.Server.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Analytics;

/// <summary>
/// Keeps <c>analytics_facts</c>, <c>analytics_rollups</c> and <c>ticket_words</c> up to date from the event log. It
/// reads the events after its checkpoint in sequence order, rebuilds the fact rows of every ticket they touch from the
/// ticket's whole history (<see cref="TicketFacts.Build"/>), applies the difference between old and new rows to the
/// rollups, and moves the checkpoint, all written in one transaction. So every writer (actions, intake, the SLA sweeper's
/// direct writes, jobs) is covered without a hook, a crash loses nothing (the transaction rolls back and the same
/// events are read again), downtime is caught up at start, and two instances cannot both apply a batch: the checkpoint
/// is a concurrency token, so the second one's transaction fails and it reads again from the new position.
/// </summary>
public sealed class AnalyticsProjector(
    IDbContextFactory<HotlineDbContext> contexts, CityClock clock, SlaRules rules, ChineseText text, SchemeStore schemes, Reference.ReferenceData reference,
    SqliteWriteGate writeGate, ILogger<AnalyticsProjector> logger) : IDisposable
{
    public const string CheckpointName = "facts";
    private const int BatchSize = 5000;
    /// <summary>What a batch returns when another projector applied its events first.</summary>
    private const int LostRace = -1;
    private readonly SemaphoreSlim running = new(1, 1);
    // Never pass a gap on time: a fact missed is a figure wrong for good. Wait for the transaction, however long.
    private readonly SequenceGaps gaps = new(TimeSpan.MaxValue, logger);
    private (object Districts, object Departments, FrozenSet<string> Words)? placeWords;

    /// <summary>
    /// Applies every committed event after the checkpoint; returns how many events it applied (0 also when another node
    /// is projecting: it reads these events too).
    /// </summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        await running.WaitAsync(ct);
        NodeTurn? turn = null;
        try
        {
            // One node projects at a time (PostgreSQL); the others' commits wake it too (NodeWakeups), so it finds their events.
            await using (var db = await contexts.CreateDbContextAsync(ct))
                turn = await NodeTurn.TryTakeAsync(db, "analytics-projector", ct);
            if (turn is null)
                return 0;
            var total = 0;
            for (var attempt = 0; ;)
            {
                int applied;
                try
                {
                    applied = await ApplyBatchAsync(ct);
                }
                catch (DbUpdateException ex) when (++attempt < 5)
                {
                    // Another instance moved the checkpoint (or took a rollup key) first: read again from where it is now.
                    logger.LogInformation(ex, "Analytics batch lost a race; reading again");
                    continue;
                }
                if (applied == LostRace)
                    continue; // another projector applied those events: not a failure, it made progress
                total += applied;
                if (applied == 0)
                    return total;
                attempt = 0;
            }
        }
        finally
        {
            if (turn is not null)
                await turn.DisposeAsync();
            running.Release();
        }
    }

    public void Dispose() => running.Dispose();

    /// <summary>The checkpoint: every event up to it is in the figures.</summary>
    public async Task<long> PositionAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<AnalyticsCheckpoint>().Where(c => c.Name == CheckpointName).Select(c => c.Position).FirstOrDefaultAsync(ct);
    }

    private async Task<int> ApplyBatchAsync(CancellationToken ct)
    {
        // Everything is read and computed before the write: one transaction then writes the facts, the rollups, the words and
        // the checkpoint (new rows in bulk, see DirectWriter), so the database's write lock (SQLite has one) is held only for the
        // writes, never while texts are segmented. A projector elsewhere that committed meanwhile has moved the
        // checkpoint, whose concurrency token then fails this batch, which is read again.
        await using var db = await contexts.CreateDbContextAsync(ct);
        var position = await CheckpointAsync(db, ct);
        var ids = await db.TicketEvents.AsNoTracking().Where(e => e.Id > position).OrderBy(e => e.Id).Take(BatchSize)
            .Select(e => new { e.Id, e.TicketId }).ToListAsync(ct);
        var postgres = db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true;
        var taken = new List<long>();
        var last = position;
        foreach (var e in ids)
        {
            // PostgreSQL may show event 11 before event 10 commits: stop before the gap until 10 commits or is proven gone.
            if (postgres && e.Id != last + 1 && !await gaps.MayPassAsync(db, last + 1, e.Id, ct))
                break;
            taken.Add(e.TicketId);
            last = e.Id;
        }
        if (last == position)
            return 0;

        var ticketIds = taken.Distinct().ToList();
        var histories = (await db.TicketEvents.AsNoTracking().Where(e => ticketIds.Contains(e.TicketId)).ToListAsync(ct))
            .GroupBy(e => e.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ToList());
        var oldFacts = (await db.Set<TicketFact>().Where(f => ticketIds.Contains(f.TicketId)).ToListAsync(ct)).ToLookup(f => f.TicketId);
        var repeats = await RepeatsAsync(db, histories.Values.Select(h => h[0]).Where(e => !oldFacts.Contains(e.TicketId)).ToList(), ct);
        var deltas = new RollupDeltas();
        // New rows (most of a catch-up) are inserted in bulk; changed and removed rows go through the tracker.
        var newFacts = new List<TicketFact>();
        var words = new List<TicketWord>();
        var wordDeltas = new WordRollupDeltas();
        var recounted = new List<(long TicketId, DateOnly OldDay, int OldRegistered, DateOnly NewDay, int NewRegistered)>();

        foreach (var (ticketId, history) in histories)
        {
            var old = oldFacts[ticketId].ToList();
            var repeat = old.FirstOrDefault(f => f.Part == FactPart.Centre) is { } centre ? centre.Measures.Repeat == 1 : repeats.Contains(ticketId);
            var rebuilt = TicketFacts.Build(history, Context(repeat));
            // Read before the loop below gives the tracked old rows their new values.
            var oldCentre = old.FirstOrDefault(r => r.Part == FactPart.Centre) is { } c ? (c.Day, c.Measures.Registered) : ((DateOnly Day, int Registered)?)null;
            foreach (var row in old)
            {
                deltas.Add(row.Key, row.Measures, -1);
                var now = rebuilt.FirstOrDefault(r => r.Part == row.Part && r.DepartmentCode == row.DepartmentCode);
                if (now is null)
                    db.Remove(row);
                else if (!now.SameAs(row))
                    db.Entry(row).CurrentValues.SetValues(now); // scalar columns
                if (now is not null)
                    row.Measures = now.Measures.Copy();
            }
            foreach (var row in rebuilt)
            {
                deltas.Add(row.Key, row.Measures, +1);
                if (!old.Any(o => o.Part == row.Part && o.DepartmentCode == row.DepartmentCode))
                    newFacts.Add(row);
            }
            // The word rollups count the centre row's Registered: a new ticket adds it to each of its words; an old one's
            // words (already stored) are read again only if its centre row's day or counter changed, which they do not today.
            var newCentre = rebuilt.Single(r => r.Part == FactPart.Centre);
            if (old.Count == 0)
            {
                var mine = Words(history[0]).ToList();
                words.AddRange(mine);
                wordDeltas.Add(newCentre.Day, mine.Select(w => w.Word), newCentre.Measures.Registered);
            }
            else if (oldCentre != (newCentre.Day, newCentre.Measures.Registered))
                recounted.Add((ticketId, oldCentre?.Day ?? newCentre.Day, oldCentre?.Registered ?? 0, newCentre.Day, newCentre.Measures.Registered));
        }
        await RecountWordsAsync(db, recounted, wordDeltas, ct);
        var rollups = await ApplyRollupsAsync(db, deltas.Changes, ct);
        // The checkpoint moves first, from where this batch started: a projector elsewhere that applied the same events
        // holds (or has committed) that row, so this one finds it moved, writes nothing and reads again. Nothing fails,
        // so nothing is logged as an error; two batches never both write a rollup key.
        // The transaction begins and commits without the caller's token: EF logs a cancelled BEGIN or COMMIT as "An error
        // occurred using a transaction" (a server stopping mid-batch did). A write cancelled inside it just rolls back.
        // On SQLite the batch waits its turn at the write lock beside intake (not in SQLite's sleeping busy handler) and
        // commits without an fsync: it is derived data with its checkpoint in the same transaction, so a power loss
        // takes back whole batches at most, and the events are projected again from the log (see SqliteWriteGate).
        await using var turn = await writeGate.EnterRelaxedAsync(db, CancellationToken.None);
        await using var writer = await DirectWriter.BeginAsync(db, CancellationToken.None);
        var moved = await db.Set<AnalyticsCheckpoint>().Where(c => c.Name == CheckpointName && c.Position == position)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.Position, last), ct);
        if (moved == 0)
        {
            logger.LogDebug("Analytics batch after {Position} was applied elsewhere; reading again", position);
            return LostRace; // disposing the writer rolls its transaction back
        }
        await writer.InsertManyAsync(newFacts, ct);
        await writer.InsertManyAsync(rollups.Added, ct);
        await writer.UpdateManyAsync(rollups.Changed, nameof(AnalyticsRollup.Measures), ct);
        if (rollups.Emptied.Count > 0)
            await db.Set<AnalyticsRollup>().Where(r => rollups.Emptied.Contains(r.Id)).ExecuteDeleteAsync(ct);
        await writer.InsertManyAsync(words, ct);
        await WordRollupWriter.AddAsync(db, wordDeltas.Changes, ct);
        ct.ThrowIfCancellationRequested();
        await writer.CommitAsync(CancellationToken.None); // the rest of the writes (changed rows) and the commit: short
        return taken.Count;
    }

    /// <summary>
    /// The checkpoint's position; its row is created at 0 the first time by an insert that ignores a conflict (SQLite and
    /// PostgreSQL alike), so two projectors starting on an empty database never race on its primary key.
    /// </summary>
    private static async Task<long> CheckpointAsync(HotlineDbContext db, CancellationToken ct)
    {
        var checkpoints = db.Set<AnalyticsCheckpoint>().AsNoTracking().Where(c => c.Name == CheckpointName);
        if (await checkpoints.Select(c => (long?)c.Position).FirstOrDefaultAsync(ct) is { } position)
            return position;
        await db.Database.ExecuteSqlAsync($"""INSERT INTO analytics_checkpoints ("Name", "Position") VALUES ({CheckpointName}, 0) ON CONFLICT DO NOTHING""", ct);
        return await checkpoints.Select(c => c.Position).SingleAsync(ct);
    }

    private FactContext Context(bool repeat) => new(clock.LocalDay, WorkingTime, repeat);

    private TimeSpan? WorkingTime(string? department, DateTimeOffset from, DateTimeOffset to)
    {
        try
        {
            return rules.CalendarFor(department).WorkingTimeBetween(from, to);
        }
        catch (Exception ex) when (ex is CalendarNotLoadedException or InvalidOperationException)
        {
            return null; // a year without a calendar: the answer's time is not counted in the average
        }
    }

    /// <summary>
    /// 重复投诉: new tickets whose requester (credit code or phone) registered a ticket of the same category within the
    /// scheme's window before them. Looked up once per batch in the tickets table, newest registrations included.
    /// </summary>
    private async Task<HashSet<long>> RepeatsAsync(HotlineDbContext db, List<TicketEvent> registrations, CancellationToken ct)
    {
        var repeats = new HashSet<long>();
        if (registrations.Count == 0)
            return repeats;
        var drafts = registrations.Select(e => (e.TicketId, e.OccurredAt, Draft: ((Registered)e.Change).Draft)).ToList();
        var window = TimeSpan.FromDays(schemes.Current.RepeatWindowDays);
        var earliest = drafts.Min(d => d.OccurredAt) - window;
        var latest = drafts.Max(d => d.OccurredAt);
        var phones = drafts.Select(d => d.Draft.Requester.Phone).Where(p => p.Length > 0).Distinct().ToList();
        var codes = drafts.Select(d => d.Draft.Requester.CreditCode).OfType<string>().Distinct().ToList();
        var candidates = new List<(long Id, string Key, string Category, DateTimeOffset At)>();
        foreach (var chunk in phones.Chunk(500))
        {
            var rows = await db.Tickets.AsNoTracking().Where(t => chunk.Contains(t.RequesterPhone) && t.RegisteredAt >= earliest && t.RegisteredAt <= latest)
                .Select(t => new { t.Id, t.RequesterKind, t.RequesterPhone, t.RequesterCreditCode, t.CategoryCode, t.RegisteredAt }).ToListAsync(ct);
            candidates.AddRange(rows.Where(r => r.RequesterKind == RequesterKind.Citizen || r.RequesterCreditCode is null)
                .Select(r => (r.Id, r.RequesterPhone, r.CategoryCode, r.RegisteredAt)));
        }
        foreach (var chunk in codes.Chunk(500))
        {
            var rows = await db.Tickets.AsNoTracking().Where(t => chunk.Contains(t.RequesterCreditCode!) && t.RegisteredAt >= earliest && t.RegisteredAt <= latest)
                .Select(t => new { t.Id, t.RequesterCreditCode, t.CategoryCode, t.RegisteredAt }).ToListAsync(ct);
            candidates.AddRange(rows.Select(r => (r.Id, r.RequesterCreditCode!, r.CategoryCode, r.RegisteredAt)));
        }
        var byKey = candidates.Distinct().ToLookup(c => (c.Key, c.Category));
        foreach (var (id, at, draft) in drafts)
        {
            var key = TicketFacts.RequesterKeyOf(draft.Requester);
            if (byKey[(key, draft.CategoryCode)].Any(c => c.Id < id && c.At >= at - window && c.At <= at))
                repeats.Add(id);
        }
        return repeats;
    }

    private IEnumerable<TicketWord> Words(TicketEvent registration)
    {
        var draft = ((Registered)registration.Change).Draft;
        // Places and departments are dimensions of their own, not matters: 天宁区 is never a hot topic.
        foreach (var word in text.HotTopicWords($"{draft.Title}。{draft.Description}").Where(w => w.Length <= 40 && !IsPlaceOrDepartment(w)).Distinct(StringComparer.Ordinal))
        {
            yield return new TicketWord
            {
                TicketId = registration.TicketId, Word = word, Day = clock.LocalDay(registration.OccurredAt), RegisteredAt = registration.OccurredAt,
                DistrictCode = draft.DistrictCode ?? "", CategoryCode = draft.CategoryCode,
            };
        }
    }

    /// <summary>A district, a department, or the city itself (the start of many departments' names: 常州, 常州市).</summary>
    private bool IsPlaceOrDepartment(string word) => PlaceWords().Contains(word);

    /// <summary>
    /// The words <see cref="IsPlaceOrDepartment"/> leaves out: district and department names, and every start of a name
    /// that at least three departments' names share. Built once per reference snapshot (an admin's edit replaces it),
    /// so a word costs one lookup instead of a scan of every department.
    /// </summary>
    private FrozenSet<string> PlaceWords()
    {
        var (districts, departments) = (reference.Districts, reference.Departments);
        if (placeWords is { } cached && ReferenceEquals(cached.Districts, districts) && ReferenceEquals(cached.Departments, departments))
            return cached.Words;
        var prefixes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in departments.Values.Select(d => d.Name).Where(n => n.Length > 0))
        {
            for (var length = 1; length <= name.Length; length++)
                prefixes[name[..length]] = prefixes.GetValueOrDefault(name[..length]) + 1;
        }
        var words = districts.Values.Select(d => d.Name).Concat(departments.Values.Select(d => d.Name))
            .Concat(prefixes.Where(p => p.Value >= 3).Select(p => p.Key)).ToFrozenSet(StringComparer.Ordinal);
        placeWords = (districts, departments, words);
        return words;
    }

    /// <summary>Moves the stored words of tickets whose centre row changed its day or counter from the old values to the new.</summary>
    private static async Task RecountWordsAsync(HotlineDbContext db, List<(long TicketId, DateOnly OldDay, int OldRegistered, DateOnly NewDay, int NewRegistered)> recounted,
        WordRollupDeltas deltas, CancellationToken ct)
    {
        foreach (var chunk in recounted.Chunk(500))
        {
            var ids = chunk.Select(r => r.TicketId).ToList();
            var stored = (await db.Set<TicketWord>().AsNoTracking().Where(w => ids.Contains(w.TicketId)).Select(w => new { w.TicketId, w.Word }).ToListAsync(ct))
                .ToLookup(w => w.TicketId, w => w.Word);
            foreach (var r in chunk)
            {
                deltas.Add(r.OldDay, stored[r.TicketId], -r.OldRegistered);
                deltas.Add(r.NewDay, stored[r.TicketId], r.NewRegistered);
            }
        }
    }

    /// <summary>
    /// The rollup rows after the deltas: new ones to insert, existing ones (read untracked) with their new sums to update,
    /// and the ids of rows whose every measure came to zero, to delete. Written by the batch's writer, not by SaveChanges.
    /// </summary>
    private static async Task<(List<AnalyticsRollup> Added, List<AnalyticsRollup> Changed, List<long> Emptied)> ApplyRollupsAsync(
        HotlineDbContext db, IReadOnlyList<(RollupKey Key, FactMeasures Delta)> deltas, CancellationToken ct)
    {
        var (added, changed, emptied) = (new List<AnalyticsRollup>(), new List<AnalyticsRollup>(), new List<long>());
        var existing = new Dictionary<string, AnalyticsRollup>(StringComparer.Ordinal);
        foreach (var chunk in deltas.Select(d => d.Key.Text).Chunk(500))
        {
            foreach (var row in await db.Set<AnalyticsRollup>().AsNoTracking().Where(r => chunk.Contains(r.Key)).ToListAsync(ct))
                existing[row.Key] = row;
        }
        foreach (var (key, delta) in deltas)
        {
            if (!existing.TryGetValue(key.Text, out var row))
            {
                row = AnalyticsRollup.For(key);
                row.Measures.Add(delta);
                added.Add(row);
                continue;
            }
            row.Measures.Add(delta);
            if (row.Measures.IsZero)
                emptied.Add(row.Id);
            else
                changed.Add(row);
        }
        return (added, changed, emptied);
    }
}
