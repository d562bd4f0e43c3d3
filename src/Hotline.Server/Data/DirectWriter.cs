using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Hotline.Server.Data;

/// <summary>
/// Writes untracked entities with reused parameterized commands inside one transaction: an UPDATE of just the columns
/// that changed since a <see cref="Snapshot"/>, guarded by the key and the entity's concurrency tokens, and plain
/// INSERTs. For bulk paths (the SLA sweep) where EF's change tracking costs more than the database work: tracking a
/// ticket builds snapshots and single-row commands per entity, which measured as most of a sweep batch. Table and
/// column names, quoting and value conversions all come from the EF model, so both providers and every converter
/// (UTC ticks, enums as text, JSON lists) behave exactly as with SaveChanges.
/// </summary>
public sealed class DirectWriter : IAsyncDisposable
{
    private readonly HotlineDbContext db;
    private readonly IDbContextTransaction owned;
    private readonly DbTransaction transaction;
    private readonly ISqlGenerationHelper sql;
    private readonly Dictionary<string, DbCommand> commands = new(StringComparer.Ordinal);

    private DirectWriter(HotlineDbContext db, IDbContextTransaction owned)
    {
        this.db = db;
        this.owned = owned;
        transaction = owned.GetDbTransaction();
        sql = db.GetService<ISqlGenerationHelper>();
    }

    /// <summary>Starts a transaction on the context; <see cref="CommitAsync"/> also saves whatever the context tracks, in it.</summary>
    public static async Task<DirectWriter> BeginAsync(HotlineDbContext db, CancellationToken ct) =>
        new(db, await db.Database.BeginTransactionAsync(ct));

    /// <summary>The values of every mapped column of <paramref name="entity"/> now, to compare against after changing it.</summary>
    public object?[] Snapshot<T>(T entity) where T : class =>
        Columns<T>().Select(p => p.GetValueComparer().Snapshot(p.GetGetter().GetClrValue(entity))).ToArray();

    /// <summary>
    /// Writes the columns that differ from <paramref name="before"/>, where the key and the concurrency tokens still have
    /// their <paramref name="before"/> values. Nothing changed: nothing written. Someone else changed the row:
    /// <see cref="DbUpdateConcurrencyException"/>, and the caller's transaction must be abandoned.
    /// </summary>
    public async Task UpdateAsync<T>(T entity, object?[] before, CancellationToken ct) where T : class
    {
        if (UpdateText(entity, before) is not { } update)
            return;
        if (!commands.TryGetValue(update.Key, out var command))
            command = commands[update.Key] = Create(update.Text);
        command.Parameters.Clear();
        update.Bind(command, command.Parameters);
        if (await command.ExecuteNonQueryAsync(ct) != 1)
            throw new DbUpdateConcurrencyException($"{EntityType<T>().DisplayName()} changed since it was read.");
    }

    /// <summary>
    /// <see cref="UpdateAsync"/> for many rows at once. On PostgreSQL every statement is a round trip and has its own
    /// bind and execution, and a sweep batch's 500 clocks and 500 tickets one by one were most of its time
    /// (docs/benchmarks.md, "scaleout: notes"): here the rows that changed the same columns go in one
    /// <c>UPDATE … FROM (VALUES …)</c> per few hundred rows, each row still guarded by its key and tokens, and a statement
    /// that hit fewer rows than it carried refuses them all. On SQLite (no round trips) one prepared statement per row.
    /// </summary>
    public async Task UpdateAllAsync<T>(IReadOnlyList<(T Entity, object?[] Before)> rows, CancellationToken ct) where T : class
    {
        if (db.Database.IsSqlite())
        {
            foreach (var (entity, before) in rows)
                await UpdateAsync(entity, before, ct);
            return;
        }
        var type = EntityType<T>();
        var columns = Columns<T>();
        var guards = Guards(type, columns);
        var changes = rows.Select(r => (r.Entity, r.Before, Changed: Changed(columns, r.Entity, r.Before))).Where(r => r.Changed.Count > 0);
        foreach (var group in changes.GroupBy(r => string.Join(',', r.Changed), StringComparer.Ordinal))
        {
            var changed = group.First().Changed;
            await UpdateFromValuesAsync($"V:{type.Name}:{group.Key}", type, changed.Select(i => columns[i]).ToList(), guards.Select(i => columns[i]).ToList(),
                group.ToList(), row => changed.Select(i => columns[i].GetGetter().GetClrValue(row.Entity)).Concat(guards.Select(i => row.Before[i])),
                $"{type.DisplayName()} changed since it was read.", ct);
        }
    }

    /// <summary>
    /// <see cref="UpdateFromValuesSql"/> over <paramref name="rows"/>, a few hundred per statement (prepared once per
    /// <paramref name="key"/> and size): each row's values are its <paramref name="set"/> values, then its <paramref name="guards"/>'.
    /// A statement that hit fewer rows than it carried throws <see cref="DbUpdateConcurrencyException"/> with <paramref name="refusal"/>.
    /// </summary>
    private async Task UpdateFromValuesAsync<TRow>(string key, IEntityType type, List<IProperty> set, IReadOnlyList<IProperty> guards,
        IReadOnlyList<TRow> rows, Func<TRow, IEnumerable<object?>> valuesOf, string refusal, CancellationToken ct)
    {
        var columns = set.Concat(guards).ToList();
        foreach (var chunk in rows.Chunk(Math.Max(1, MaxParameters / columns.Count)))
        {
            var text = $"{key}:{chunk.Length}";
            if (!commands.TryGetValue(text, out var command))
                command = commands[text] = Create(UpdateFromValuesSql(type, set, guards, chunk.Length));
            command.Parameters.Clear();
            for (var r = 0; r < chunk.Length; r++)
            {
                var c = 0;
                foreach (var value in valuesOf(chunk[r]))
                {
                    command.Parameters.Add(Parameter(command, columns[c], ParameterName(r, c), value));
                    c++;
                }
            }
            if (await command.ExecuteNonQueryAsync(ct) != chunk.Length)
                throw new DbUpdateConcurrencyException(refusal);
        }
    }

    /// <summary>The positions (in <paramref name="columns"/>) of the columns whose value differs from <paramref name="before"/>.</summary>
    private static List<int> Changed<T>(IReadOnlyList<IProperty> columns, T entity, object?[] before) where T : class
    {
        var changed = new List<int>();
        for (var i = 0; i < columns.Count; i++)
        {
            if (!columns[i].GetValueComparer().Equals(before[i], columns[i].GetGetter().GetClrValue(entity)))
                changed.Add(i);
        }
        return changed;
    }

    /// <summary>The positions of the key and the concurrency tokens: what an UPDATE checks still has its value as read.</summary>
    private static IReadOnlyList<int> Guards(IEntityType type, IReadOnlyList<IProperty> columns) =>
        GuardsByType.GetOrAdd(type, _ => columns.Select((p, i) => (p, i)).Where(x => x.p.IsPrimaryKey() || x.p.IsConcurrencyToken).Select(x => x.i).ToList());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, IReadOnlyList<int>> GuardsByType = new();

    /// <summary>
    /// <c>UPDATE table AS u SET a = v.c0, … FROM (VALUES (…), …) AS v(c0, …) WHERE u.key = v.cK AND u.token = v.cT</c>
    /// for <paramref name="rows"/> rows: each row's <paramref name="set"/> values, then its <paramref name="guards"/>'
    /// values. Every value is cast to its column's type, so a first row of NULLs does not make the VALUES column text.
    /// </summary>
    private string UpdateFromValuesSql(IEntityType type, List<IProperty> set, IReadOnlyList<IProperty> guards, int rows)
    {
        var all = set.Concat(guards).ToList();
        string Value(int c) => sql.DelimitIdentifier($"c{c}");
        string Cast(int c) => $"CAST(v.{Value(c)} AS {all[c].GetColumnType()})";
        var assignments = string.Join(", ", set.Select((p, c) => $"{Column(p)} = {Cast(c)}"));
        var where = string.Join(" AND ", guards.Select((p, g) => $"u.{Column(p)} = {Cast(set.Count + g)}"));
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(r =>
            $"({string.Join(", ", all.Select((_, c) => sql.GenerateParameterNamePlaceholder(ParameterName(r, c))))})"));
        return $"UPDATE {sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema())} AS u SET {assignments} FROM (VALUES {values}) AS v({string.Join(", ", all.Select((_, c) => Value(c)))}) WHERE {where}";
    }

    /// <summary>One row's guarded UPDATE: its text (the same for every row that changed the same columns) and its values.</summary>
    private sealed record RowUpdate(string Key, string Text, Action<DbCommand, DbParameterCollection> Bind);

    /// <summary>The UPDATE of the columns of <paramref name="entity"/> that differ from <paramref name="before"/>; null when none do.</summary>
    private RowUpdate? UpdateText<T>(T entity, object?[] before) where T : class
    {
        var columns = Columns<T>();
        var changed = Changed(columns, entity, before);
        if (changed.Count == 0)
            return null;
        var type = EntityType<T>();
        var guards = Guards(type, columns).Select(i => (p: columns[i], i)).ToList();
        var key = $"U:{type.Name}:{string.Join(',', changed)}";
        if (!texts.TryGetValue(key, out var text))
        {
            var table = sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema());
            var set = string.Join(", ", changed.Select(i => $"{Column(columns[i])} = {sql.GenerateParameterNamePlaceholder($"s{i}")}"));
            var where = string.Join(" AND ", guards.Select(g => $"{Column(g.p)} = {sql.GenerateParameterNamePlaceholder($"w{g.i}")}"));
            text = texts[key] = $"UPDATE {table} SET {set} WHERE {where}";
        }
        return new RowUpdate(key, text, (factory, parameters) =>
        {
            foreach (var i in changed)
                parameters.Add(Parameter(factory, columns[i], $"s{i}", columns[i].GetGetter().GetClrValue(entity)));
            foreach (var (p, i) in guards)
                parameters.Add(Parameter(factory, p, $"w{i}", before[i]));
        });
    }

    private readonly Dictionary<string, string> texts = new(StringComparer.Ordinal);

    /// <summary>
    /// Inserts many new rows, for bulk paths such as the analytics projector's catch-up, where EF's change tracking and
    /// command batching were most of the time. Columns of complex properties (counters) are written too; store-generated
    /// keys are left to the database and not read back. On SQLite each row is one execution of one prepared single-row
    /// INSERT: Microsoft.Data.Sqlite binds every parameter of a command by a name lookup in each statement, so a
    /// multi-row statement (or EF's batch of many) costs the square of its parameter count, measured slower than
    /// EF itself. On PostgreSQL the rows go in one binary COPY: no parameter objects on our side and no statement for
    /// the server to parse and plan (a multi-row INSERT of a few hundred rows' parameters cost the SLA sweep as much as
    /// its ticket UPDATEs; docs/benchmarks.md, "scaleout: notes"). COPY fires the same constraints and triggers as INSERT.
    /// A constraint violation surfaces as <see cref="DbUpdateException"/>, as from SaveChanges.
    /// </summary>
    public async Task InsertManyAsync<T>(IReadOnlyList<T> entities, CancellationToken ct) where T : class
    {
        if (entities.Count == 0)
            return;
        var type = EntityType<T>();
        var columns = FlatColumns(type);
        if (db.Database.GetDbConnection() is Npgsql.NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, type, columns, entities, ct);
            return;
        }
        foreach (var entity in entities)
        {
            var key = $"M:{type.Name}";
            if (!commands.TryGetValue(key, out var command))
                command = commands[key] = Create(InsertSql(sql, type, columns));
            command.Parameters.Clear();
            Bind(command, columns, entity);
            try
            {
                await command.ExecuteNonQueryAsync(ct);
            }
            catch (DbException ex)
            {
                throw new DbUpdateException($"Inserting {type.DisplayName()} rows failed.", ex);
            }
        }
    }

    /// <summary>
    /// <see cref="InsertManyAsync"/> on PostgreSQL: <c>COPY … FROM STDIN (FORMAT BINARY)</c> in the writer's transaction,
    /// each value converted as EF converts a parameter's (enums as text, JSON payloads) and sent as its column's type.
    /// </summary>
    private async Task CopyAsync<T>(Npgsql.NpgsqlConnection connection, IEntityType type, IReadOnlyList<IProperty> columns, IReadOnlyList<T> entities, CancellationToken ct)
        where T : class
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var names = string.Join(", ", columns.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var mappings = columns.Select(p => p.GetRelationalTypeMapping()).ToList();
        try
        {
            await using var copy = await connection.BeginBinaryImportAsync($"COPY {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) FROM STDIN (FORMAT BINARY)", ct);
            foreach (var entity in entities)
            {
                await copy.StartRowAsync(ct);
                for (var i = 0; i < columns.Count; i++)
                {
                    var value = columns[i].GetGetter().GetClrValueUsingContainingEntity(entity);
                    if (value is not null && mappings[i].Converter is { } converter)
                        value = converter.ConvertToProvider(value);
                    if (value is null)
                        await copy.WriteNullAsync(ct);
                    else
                        await copy.WriteAsync(value, mappings[i].StoreTypeNameBase, ct);
                }
            }
            await copy.CompleteAsync(ct);
        }
        catch (DbException ex)
        {
            throw new DbUpdateException($"Inserting {type.DisplayName()} rows failed.", ex);
        }
    }

    /// <summary>
    /// Writes the columns of one complex property (<paramref name="complexProperty"/>, e.g. a rollup's measures) of rows
    /// read earlier untracked: on SQLite one prepared single-row UPDATE by primary key per row, as <see cref="InsertManyAsync"/>
    /// inserts there; on PostgreSQL a few hundred rows per <c>UPDATE … FROM (VALUES …)</c>, as <see cref="UpdateAllAsync"/>. Only those columns are set, so SQLite touches no index of the row's other columns (an UPDATE that sets an
    /// indexed column rewrites its index entries even to the same value). No concurrency check: for a writer that holds its
    /// rows by other means (the analytics projector's rollups, guarded by its checkpoint in the same transaction). A row
    /// that is not there any more is an error.
    /// </summary>
    public async Task UpdateManyAsync<T>(IReadOnlyList<T> entities, string complexProperty, CancellationToken ct) where T : class
    {
        if (entities.Count == 0)
            return;
        var type = EntityType<T>();
        var keys = type.FindPrimaryKey()!.Properties;
        var columns = (type.FindComplexProperty(complexProperty) ?? throw new InvalidOperationException($"{type.DisplayName()} has no complex property {complexProperty}."))
            .ComplexType.GetFlattenedProperties().ToList();
        if (!db.Database.IsSqlite())
        {
            // On PostgreSQL a statement per row is a round trip per row: a few hundred rows per UPDATE … FROM (VALUES …).
            var rows = entities.Distinct(ReferenceEqualityComparer.Instance).Cast<T>().ToList(); // a row given twice is written once
            await UpdateFromValuesAsync($"V:{type.Name}.{complexProperty}", type, columns, keys, rows,
                row => columns.Concat(keys).Select(p => p.GetGetter().GetClrValueUsingContainingEntity(row)),
                $"{type.DisplayName()} is not there any more.", ct);
            return;
        }
        var name = $"U:{type.Name}.{complexProperty}";
        if (!commands.TryGetValue(name, out var command))
        {
            var set = string.Join(", ", columns.Select((p, i) => $"{Column(p)} = {sql.GenerateParameterNamePlaceholder($"s{i}")}"));
            var where = string.Join(" AND ", keys.Select((p, i) => $"{Column(p)} = {sql.GenerateParameterNamePlaceholder($"k{i}")}"));
            command = commands[name] = Create($"UPDATE {sql.DelimitIdentifier(type.GetTableName()!, type.GetSchema())} SET {set} WHERE {where}");
        }
        foreach (var entity in entities)
        {
            command.Parameters.Clear();
            for (var i = 0; i < columns.Count; i++)
                command.Parameters.Add(Parameter(command, columns[i], $"s{i}", columns[i].GetGetter().GetClrValueUsingContainingEntity(entity)));
            for (var i = 0; i < keys.Count; i++)
                command.Parameters.Add(Parameter(command, keys[i], $"k{i}", keys[i].GetGetter().GetClrValueUsingContainingEntity(entity)));
            if (await command.ExecuteNonQueryAsync(ct) != 1)
                throw new DbUpdateConcurrencyException($"{type.DisplayName()} is not there any more.");
        }
    }

    /// <summary>
    /// Inserts every entity <paramref name="db"/> tracks as Added, in the context's current transaction: one prepared single-row INSERT per table, tables in foreign-key order (principals first), rows in the order
    /// they were added (a ticket's events by version). A store-generated key is read back (RETURNING) and set on its
    /// entity; a dependent's foreign key is taken from its principal as it is written. The context then tracks nothing. For the intake's group commit on
    /// SQLite, where SaveChanges' per-entity command building and batching cost more CPU than the rows themselves
    /// (docs/benchmarks.md, intake: notes). Anything tracked in another state is refused: this writes new rows only.
    /// A constraint violation surfaces as <see cref="DbUpdateException"/>, as from SaveChanges.
    /// </summary>
    public static async Task InsertAddedAsync(HotlineDbContext db, CancellationToken ct)
    {
        var tracker = db.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false; // values are read from the entities as they are now
        var commands = new Dictionary<IEntityType, (DbCommand Command, IReadOnlyList<IProperty> Columns, IProperty? Generated)>();
        try
        {
            var entries = tracker.Entries().ToList();
            if (entries.Find(e => e.State != EntityState.Added) is { } other)
                throw new InvalidOperationException($"{other.Metadata.DisplayName()} is {other.State}: only new rows are inserted here.");
            var transaction = db.Database.CurrentTransaction?.GetDbTransaction() ?? throw new InvalidOperationException("Begin a transaction first.");
            var sql = db.GetService<ISqlGenerationHelper>();
            var groups = entries.GroupBy(e => e.Metadata).ToDictionary(g => g.Key, g => g.ToList());
            foreach (var type in InsertOrder(groups.Keys))
            {
                if (!commands.TryGetValue(type, out var insert))
                    commands[type] = insert = InsertCommand(db, sql, transaction, type);
                foreach (var entry in groups[type])
                {
                    CopyPrincipalKeys(entry);
                    insert.Command.Parameters.Clear();
                    Bind(insert.Command, insert.Columns, entry.Entity);
                    try
                    {
                        if (insert.Generated is { } generated)
                        {
                            var key = entry.Property(generated);
                            key.CurrentValue = Convert.ChangeType(await insert.Command.ExecuteScalarAsync(ct), generated.ClrType, System.Globalization.CultureInfo.InvariantCulture);
                            key.IsTemporary = false;
                            CopyKeyToDependents(db, entry);
                        }
                        else
                        {
                            await insert.Command.ExecuteNonQueryAsync(ct);
                        }
                    }
                    catch (DbException ex)
                    {
                        throw new DbUpdateException($"Inserting a {type.DisplayName()} row failed.", ex);
                    }
                }
            }
            tracker.Clear(); // written: nothing is left for a SaveChanges to insert again
        }
        finally
        {
            foreach (var (command, _, _) in commands.Values)
                await command.DisposeAsync();
            tracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static (DbCommand, IReadOnlyList<IProperty>, IProperty?) InsertCommand(HotlineDbContext db, ISqlGenerationHelper sql, DbTransaction transaction, IEntityType type)
    {
        if (type.GetFlattenedProperties().FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
            throw new InvalidOperationException($"{type.DisplayName()}.{shadow.Name} is a shadow property, which this writer does not write.");
        var columns = FlatColumns(type);
        var generated = type.FindPrimaryKey()!.Properties is [var key] && key.ValueGenerated.HasFlag(ValueGenerated.OnAdd) ? key : null;
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = InsertSql(sql, type, columns, returning: generated);
        return (command, columns, generated);
    }

    /// <summary>
    /// The one INSERT text of this writer: one row of <paramref name="columns"/>, parameters named by
    /// <see cref="ParameterName"/>, and the generated key read back when <paramref name="returning"/> is given.
    /// </summary>
    private static string InsertSql(ISqlGenerationHelper sql, IEntityType type, IReadOnlyList<IProperty> columns, IProperty? returning = null)
    {
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        string Name(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
        var values = string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder(ParameterName(0, i))));
        return $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(Name))}) VALUES ({values})"
            + (returning is null ? "" : $" RETURNING {Name(returning)}");
    }

    private static string ParameterName(int row, int column) => $"p{row}_{column}";

    /// <summary>Binds one entity's values to an <see cref="InsertSql"/> command.</summary>
    private static void Bind(DbCommand command, IReadOnlyList<IProperty> columns, object entity)
    {
        for (var i = 0; i < columns.Count; i++)
            command.Parameters.Add(Parameter(command, columns[i], ParameterName(0, i), columns[i].GetGetter().GetClrValueUsingContainingEntity(entity)));
    }

    /// <summary>
    /// Sets each foreign key that has a navigation to its principal from the principal's (by now written) key; a key
    /// still temporary after that (its principal not written) is refused rather than written as a wrong value.
    /// </summary>
    private static void CopyPrincipalKeys(EntityEntry entry)
    {
        foreach (var fk in entry.Metadata.GetForeignKeys())
        {
            if (fk.DependentToPrincipal?.GetGetter().GetClrValueUsingContainingEntity(entry.Entity) is { } principal)
                SetForeignKey(entry, fk, principal);
            if (fk.Properties.FirstOrDefault(p => entry.Property(p).IsTemporary) is { } temporary)
                throw new InvalidOperationException($"{entry.Metadata.DisplayName()}.{temporary.Name} has no value yet: its principal was not written first.");
        }
    }

    /// <summary>Sets the foreign key of the dependents a principal reaches through its own navigations (no way back from them).</summary>
    private static void CopyKeyToDependents(HotlineDbContext db, EntityEntry principal)
    {
        foreach (var fk in principal.Metadata.GetReferencingForeignKeys())
        {
            var reached = fk.PrincipalToDependent?.GetGetter().GetClrValueUsingContainingEntity(principal.Entity);
            foreach (var dependent in reached is System.Collections.IEnumerable many ? many.Cast<object>() : reached is null ? [] : [reached])
                SetForeignKey(db.Entry(dependent), fk, principal.Entity);
        }
    }

    private static void SetForeignKey(EntityEntry dependent, IForeignKey fk, object principal)
    {
        for (var i = 0; i < fk.Properties.Count; i++)
        {
            var property = dependent.Property(fk.Properties[i]);
            property.CurrentValue = fk.PrincipalKey.Properties[i].GetGetter().GetClrValueUsingContainingEntity(principal);
            property.IsTemporary = false;
        }
    }

    /// <summary>The types in an order where each comes after the types its foreign keys point to (among those given).</summary>
    private static List<IEntityType> InsertOrder(IEnumerable<IEntityType> types)
    {
        var left = types.ToList();
        var order = new List<IEntityType>(left.Count);
        while (left.Count > 0)
        {
            var next = left.Find(t => !t.GetForeignKeys().Any(fk => fk.PrincipalEntityType != t && left.Contains(fk.PrincipalEntityType)))
                ?? throw new InvalidOperationException($"Foreign keys form a cycle among {string.Join(", ", left.Select(t => t.DisplayName()))}.");
            order.Add(next);
            left.Remove(next);
        }
        return order;
    }

    /// <summary>Parameters per multi-row UPDATE on PostgreSQL (its limit is 65,535).</summary>
    private const int MaxParameters = 4000;

    /// <summary>Saves anything else the context tracks (in the same transaction), then commits.</summary>
    public async Task CommitAsync(CancellationToken ct)
    {
        if (db.ChangeTracker.HasChanges())
            await db.SaveChangesAsync(ct);
        await owned.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in commands.Values)
            await command.DisposeAsync();
        await owned.DisposeAsync();
    }

    private DbCommand Create(string text)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction;
        command.CommandText = text;
        return command;
    }

    /// <remarks>
    /// On SQLite the parameter is named with its prefix as the SQL text has it (<c>@p0_1</c>): Microsoft.Data.Sqlite looks
    /// a name up among the statement's parameters on every execution, and a name without its prefix is first looked for
    /// in vain, then again with each prefix.
    /// </remarks>
    private static DbParameter Parameter(DbCommand command, IProperty property, string name, object? value) =>
        property.GetRelationalTypeMapping().CreateParameter(command, command is Microsoft.Data.Sqlite.SqliteCommand ? "@" + name : name, value, property.IsNullable);

    private string Column(IProperty p) =>
        sql.DelimitIdentifier(p.GetColumnName(StoreObjectIdentifier.Table(p.DeclaringType.ContainingEntityType.GetTableName()!, p.DeclaringType.ContainingEntityType.GetSchema()))!);

    private IEntityType EntityType<T>() => db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not mapped.");

    /// <summary>Every mapped column with a CLR property, in model order (shadow properties are not written here).</summary>
    private IReadOnlyList<IProperty> Columns<T>() =>
        ColumnsByType.GetOrAdd(EntityType<T>(), t => t.GetProperties().Where(p => !p.IsShadowProperty()).ToList());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, IReadOnlyList<IProperty>> ColumnsByType = new();

    /// <summary>The columns an insert writes: complex properties' columns included, store-generated keys left out.</summary>
    private static IReadOnlyList<IProperty> FlatColumns(IEntityType type) =>
        FlatColumnsByType.GetOrAdd(type, t => t.GetFlattenedProperties()
            .Where(p => !p.IsShadowProperty() && !(p.ValueGenerated.HasFlag(ValueGenerated.OnAdd) && p.IsPrimaryKey())).ToList());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<IEntityType, IReadOnlyList<IProperty>> FlatColumnsByType = new();
}
