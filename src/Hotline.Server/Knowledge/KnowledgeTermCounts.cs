using System.Collections.Concurrent;
using System.Data.Common;
using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Knowledge;

/// <summary>
/// How many articles each search term matches (its document frequency), for <see cref="SearchPlan.Prune"/>: counted in
/// the full-text index itself with the term's own MATCH / tsquery, stopping just above
/// <see cref="SearchPlan.NarrowLimit"/> (the plan needs no more), and kept in memory. Counts drift slowly as articles change: they are dropped every
/// <see cref="MaxAge"/> and whenever the number of articles has moved by more than 2% since they were taken; a count of
/// zero (the plan leaves such a term out) only until the number of articles is read again, every 30 seconds.
/// </summary>
public sealed class KnowledgeTermCounts(TimeProvider time)
{
    /// <summary>Longest a count is trusted.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    /// <summary>How often the number of articles is read again.</summary>
    private static readonly TimeSpan DocumentsMaxAge = TimeSpan.FromSeconds(30);

    private const int MaxCached = 50_000;

    private sealed record Totals(long Documents, DateTimeOffset ReadAt, long CountsDocuments, DateTimeOffset CountsSince);

    private readonly ConcurrentDictionary<PlanTerm, long> counts = new();
    private readonly ConcurrentDictionary<PlanTerm, long> zeros = new();
    private volatile Totals totals = new(0, DateTimeOffset.MinValue, 0, DateTimeOffset.MinValue);

    /// <summary>The plan pruned by its terms' document frequencies (<see cref="SearchPlan.Prune"/>).</summary>
    public async Task<SearchPlan> PruneAsync(HotlineDbContext db, SearchPlan plan, CancellationToken ct)
    {
        if (plan.IsEmpty)
            return plan;
        var documents = await DocumentsAsync(db, ct);
        var cap = SearchPlan.NarrowLimit(documents) + 1;
        var missing = plan.CountedTerms.Where(t => !counts.ContainsKey(t) && !zeros.ContainsKey(t)).Distinct().ToList();
        if (missing.Count > 0)
        {
            var postgres = db.Database.IsNpgsql();
            var connection = db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                await using var command = connection.CreateCommand();
                // Without ORDER BY the index streams matches in id order, so LIMIT really stops the count.
                command.CommandText = postgres
                    ? """SELECT count(*) FROM (SELECT 1 FROM knowledge_index WHERE "Document" @@ to_tsquery('simple', @q) LIMIT @n) AS m"""
                    : "SELECT count(*) FROM (SELECT 1 FROM knowledge_fts WHERE knowledge_fts MATCH @q LIMIT @n)";
                var q = Add(command, "@q", "");
                Add(command, "@n", cap);
                foreach (var term in missing)
                {
                    q.Value = postgres ? term.ToTsQuery() : term.ToFts5();
                    var n = Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
                    // The plan leaves a term matching nothing out, so its count is trusted only until the number of
                    // articles is read again: a word of an article published a moment ago is found within that.
                    (n > 0 ? counts : zeros)[term] = n;
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        return plan.Prune(t => counts.TryGetValue(t, out var n) ? n : 0, documents);
    }

    /// <summary>Forgets the terms counted as matching nothing (articles were indexed on this node).</summary>
    public void ForgetZeros() => zeros.Clear();

    /// <summary>Forgets every count (after a bulk change of the index).</summary>
    public void Clear()
    {
        counts.Clear();
        zeros.Clear();
    }

    private async Task<long> DocumentsAsync(HotlineDbContext db, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var t = totals;
        if (now - t.ReadAt < DocumentsMaxAge)
            return t.Documents;
        zeros.Clear();
        // Two searches may both read it at the turn of the interval: harmless, the later one is kept.
        // SQLite: FTS5's own table of document sizes has one small row per article; counting knowledge_index itself
        // reads every page of the articles' texts (over a second at 100,000 articles on a cold cache).
        var documents = db.Database.IsNpgsql()
            ? await db.KnowledgeIndex.LongCountAsync(ct)
            : await db.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM knowledge_fts_docsize").SingleAsync(ct);
        var moved = Math.Abs(documents - t.CountsDocuments) > Math.Max(10, t.CountsDocuments / 50);
        if (moved || now - t.CountsSince > MaxAge || counts.Count > MaxCached)
        {
            counts.Clear();
            totals = new(documents, now, documents, now);
        }
        else
        {
            totals = t with { Documents = documents, ReadAt = now };
        }
        return documents;
    }

    private static DbParameter Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        command.Parameters.Add(p);
        return p;
    }
}
