using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;
using Hotline.Server.Access;
using Hotline.Server.Reference;
using Hotline.Server.Sla;
using Hotline.Server.Tickets;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hotline.Server.Data;

/// <summary>
/// The one database: tickets and their events, reference data, Identity. Each provider has a subclass with its own
/// migrations (<see cref="SqliteHotlineDbContext"/>, <see cref="PostgresHotlineDbContext"/>).
/// </summary>
public abstract class HotlineDbContext(DbContextOptions options) : IdentityDbContext<HotlineUser>(options),
    Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketEvent> TicketEvents => Set<TicketEvent>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<DailySequence> DailySequences => Set<DailySequence>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<District> Districts => Set<District>();
    public DbSet<SlaPolicy> SlaPolicies => Set<SlaPolicy>();
    public DbSet<CalendarDay> CalendarDays => Set<CalendarDay>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Routing.RoutingRuleRow> RoutingRules => Set<Routing.RoutingRuleRow>();
    public DbSet<SlaClockRow> SlaClocks => Set<SlaClockRow>();
    public DbSet<DepartmentDigest> DepartmentDigests => Set<DepartmentDigest>();
    public DbSet<Notifications.OutboxEmail> OutboxEmails => Set<Notifications.OutboxEmail>();
    public DbSet<Notifications.EmailTemplate> EmailTemplates => Set<Notifications.EmailTemplate>();
    public DbSet<Notifications.RequesterMessage> RequesterMessages => Set<Notifications.RequesterMessage>();
    public DbSet<Ratings.RatingRow> Ratings => Set<Ratings.RatingRow>();
    public DbSet<Security.ConsoleSession> ConsoleSessions => Set<Security.ConsoleSession>();
    public DbSet<SavedSearch> SavedSearches => Set<SavedSearch>();
    public DbSet<ConsolePreference> ConsolePreferences => Set<ConsolePreference>();
    public DbSet<Knowledge.KnowledgeArticle> KnowledgeArticles => Set<Knowledge.KnowledgeArticle>();
    public DbSet<Knowledge.KnowledgeArticleVersion> KnowledgeArticleVersions => Set<Knowledge.KnowledgeArticleVersion>();
    public DbSet<Knowledge.KnowledgeAttachment> KnowledgeAttachments => Set<Knowledge.KnowledgeAttachment>();
    public DbSet<Knowledge.KnowledgeIndexRow> KnowledgeIndex => Set<Knowledge.KnowledgeIndexRow>();
    public DbSet<Knowledge.KnowledgeSynonym> KnowledgeSynonyms => Set<Knowledge.KnowledgeSynonym>();
    public DbSet<Knowledge.KnowledgeProposal> KnowledgeProposals => Set<Knowledge.KnowledgeProposal>();
    public DbSet<Knowledge.KnowledgeFlag> KnowledgeFlags => Set<Knowledge.KnowledgeFlag>();
    public DbSet<Knowledge.KnowledgeUse> KnowledgeUses => Set<Knowledge.KnowledgeUse>();
    public DbSet<Knowledge.OnlineResolution> OnlineResolutions => Set<Knowledge.OnlineResolution>();
    public DbSet<Knowledge.KnowledgeFeedCursor> KnowledgeFeed => Set<Knowledge.KnowledgeFeedCursor>();
    public DbSet<Enterprises.Policy> Policies => Set<Enterprises.Policy>();
    public DbSet<Enterprises.Enterprise> Enterprises => Set<Enterprises.Enterprise>();
    public DbSet<Enterprises.PolicyPush> PolicyPushes => Set<Enterprises.PolicyPush>();
    public DbSet<Enterprises.PolicyDelivery> PolicyDeliveries => Set<Enterprises.PolicyDelivery>();

    /// <summary>The Data Protection key ring on PostgreSQL, shared by every node (cookies, antiforgery, rating links).</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys =>
        Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    /// <summary>How event payloads are stored: camelCase JSON, enums by name, so the history reads well in SQL too.</summary>
    public static readonly JsonSerializerOptions PayloadJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);

        b.Entity<Ticket>(t =>
        {
            t.ToTable("tickets");
            t.HasKey(x => x.Id);
            t.Property(x => x.Number).HasMaxLength(TicketNumber.Length);
            t.HasIndex(x => x.Number).IsUnique();
            t.Property(x => x.Version).IsConcurrencyToken();
            t.Property(x => x.Type).HasConversion<string>().HasMaxLength(20);
            t.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            t.Property(x => x.Priority).HasConversion<string>().HasMaxLength(10);
            t.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            t.Property(x => x.RequesterKind).HasConversion<string>().HasMaxLength(12);
            t.Property(x => x.ReplyResult).HasConversion<string>().HasMaxLength(20);
            t.Property(x => x.Title).HasMaxLength(TicketDraftValidator.MaxTitle);
            t.Property(x => x.Description).HasMaxLength(TicketDraftValidator.MaxDescription);
            t.Property(x => x.RequesterName).HasMaxLength(TicketDraftValidator.MaxName);
            t.Property(x => x.RequesterPhone).HasMaxLength(20);
            t.Property(x => x.RequesterCreditCode).HasMaxLength(18);
            t.Property(x => x.CategoryCode).HasMaxLength(64);
            t.Property(x => x.DistrictCode).HasMaxLength(64);
            t.Property(x => x.AssignedDepartmentCode).HasMaxLength(64);
            t.Property(x => x.IdempotencyKey).HasMaxLength(200);
            t.Property(x => x.IdempotencyFingerprint).HasMaxLength(64);
            t.Ignore(x => x.Requester);
            t.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryCode).OnDelete(DeleteBehavior.Restrict);
            t.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
            t.HasOne<Department>().WithMany().HasForeignKey(x => x.AssignedDepartmentCode).OnDelete(DeleteBehavior.Restrict);

            // Keyset pagination walks Id descending; each filter has an index that ends in Id so a page is a range scan.
            t.HasIndex(x => new { x.Status, x.Id });
            t.HasIndex(x => new { x.AssignedDepartmentCode, x.Id });
            t.HasIndex(x => new { x.CategoryCode, x.Id });
            t.HasIndex(x => new { x.DistrictCode, x.Id });
            t.HasIndex(x => new { x.Type, x.Id });
            t.HasIndex(x => x.RegisteredAt);
            t.HasIndex(x => x.RequesterPhone);
            t.HasIndex(x => x.RequesterCreditCode);
            t.HasIndex(x => x.RequesterName); // 工单查询 by name, whole or its start
            t.HasIndex(x => new { x.OwnerId, x.Id }); // 我登记的, newest first
            t.HasIndex(x => new { x.OwnerId, x.IdempotencyKey }).IsUnique();
            // The desks at a centre's size (docs/benchmarks.md, desks): 今日数据 counts each timestamp since midnight on its
            // own index, the extensions to decide and the leaders' queue are ranges of a small index, not scans of the table.
            t.HasIndex(x => x.DispatchedAt);
            t.HasIndex(x => x.SignedForAt);
            t.HasIndex(x => x.RepliedAt);
            t.HasIndex(x => x.ClosedAt);
            t.HasIndex(x => x.PendingExtensionDeadline);
            t.HasIndex(x => x.Id).HasDatabaseName("IX_tickets_InLeaderQueue").HasFilter("\"InLeaderQueue\"");
            t.HasIndex(x => x.Id, "IX_tickets_InSupervisionQueue").HasFilter("\"InSupervisionQueue\"");
            // A department's inbox and orders (TicketService.VisibleTo with a filter): its own tickets in a state, and the
            // few co-handled tickets in a state, each an index range (the OR of the co-handling list read every open ticket).
            // The inbox's page is a range in its order (HandlingDueAt, Id) on each side (WorkQueueOrder.DepartmentPageAsync).
            t.HasIndex(x => new { x.AssignedDepartmentCode, x.Status, x.HandlingDueAt, x.Id });
            t.HasIndex(x => new { x.Status, x.HandlingDueAt, x.Id }, "IX_tickets_CoHandled").HasFilter("\"CoHandled\"");
            // Orders a department still has to answer (WorkQueues.OpenOrders): the city's, and a department's own, by state.
            t.HasIndex(x => new { x.Status, x.Id }, "IX_tickets_AwaitsOrderAnswer").HasFilter("\"AwaitsOrderAnswer\"");
            t.HasIndex(x => new { x.AssignedDepartmentCode, x.Status, x.Id }, "IX_tickets_AwaitsOrderAnswer_Department").HasFilter("\"AwaitsOrderAnswer\"");
            // 重复件提示: a category family's tickets of the last 30 days are a range each, not all its tickets since the start.
            t.HasIndex(x => new { x.CategoryCode, x.RegisteredAt });
        });

        b.Entity<TicketEvent>(e =>
        {
            e.ToTable("ticket_events");
            e.HasKey(x => x.Id);
            e.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.TicketId, x.Version }).IsUnique();
            e.Property(x => x.Action).HasConversion<string>().HasMaxLength(30);
            e.Property(x => x.FromStatus).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.ToStatus).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.ActorId).HasMaxLength(100);
            e.Property(x => x.ActorName).HasMaxLength(100);
            e.Property(x => x.ActorRole).HasMaxLength(30);
            e.Property(x => x.Change).HasColumnName("Payload").HasConversion(new ValueConverter<TicketChange, string>(
                c => JsonSerializer.Serialize(c, PayloadJson),
                s => JsonSerializer.Deserialize<TicketChange>(s, PayloadJson)!));
        });

        b.Entity<Attachment>(a =>
        {
            a.ToTable("attachments");
            a.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            a.Property(x => x.FileName).HasMaxLength(255);
            a.Property(x => x.ContentType).HasMaxLength(100);
            a.Property(x => x.StoragePath).HasMaxLength(300);
            a.Property(x => x.Sha256).HasMaxLength(64);
            a.Property(x => x.UploadedBy).HasMaxLength(100);
        });

        b.Entity<DailySequence>(s =>
        {
            s.ToTable("daily_sequences");
            s.HasKey(x => x.Day);
            s.Property(x => x.LastValue).IsConcurrencyToken();
        });

        b.Entity<Department>(d =>
        {
            d.ToTable("departments");
            d.HasKey(x => x.Code);
            d.Property(x => x.Code).HasMaxLength(64);
            d.Property(x => x.Kind).HasMaxLength(20);
        });
        b.Entity<Category>(c =>
        {
            c.ToTable("categories");
            c.HasKey(x => x.Code);
            c.Property(x => x.Code).HasMaxLength(64);
            c.HasOne<Category>().WithMany().HasForeignKey(x => x.ParentCode).OnDelete(DeleteBehavior.Restrict);
            c.HasOne<Department>().WithMany().HasForeignKey(x => x.DepartmentCode).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<District>(d =>
        {
            d.ToTable("districts");
            d.HasKey(x => x.Code);
            d.Property(x => x.Code).HasMaxLength(64);
            d.HasOne<Department>().WithMany().HasForeignKey(x => x.DepartmentCode).OnDelete(DeleteBehavior.Restrict);
        });
        b.Entity<SlaPolicy>(p =>
        {
            p.ToTable("sla_policies");
            p.Property(x => x.TicketType).HasConversion<string>().HasMaxLength(20);
            p.Property(x => x.Priority).HasConversion<string>().HasMaxLength(10);
            p.Property(x => x.CategoryCode).HasMaxLength(64);
            p.HasIndex(x => new { x.TicketType, x.Priority, x.CategoryCode }).IsUnique();
        });
        b.Entity<CalendarDay>(c =>
        {
            c.ToTable("calendar_days");
            c.HasKey(x => x.Date);
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        });
        b.Entity<ApiKey>(k =>
        {
            k.ToTable("api_keys");
            k.HasIndex(x => x.Prefix).IsUnique();
            k.Property(x => x.Prefix).HasMaxLength(16);
            k.Property(x => x.Role).HasMaxLength(30);
        });
        b.Entity<HotlineUser>(u => u.Property(x => x.DepartmentCode).HasMaxLength(64));
        b.Entity<Security.ConsoleSession>(s =>
        {
            s.ToTable("console_sessions");
            s.HasKey(x => x.Id);
            s.Property(x => x.Id).HasMaxLength(64);
            s.Property(x => x.UserId).HasMaxLength(450);
            s.HasIndex(x => x.UserId);
            s.HasIndex(x => x.ExpiresAt);
        });
        b.Entity<SlaClockRow>(c =>
        {
            c.ToTable("sla_clocks");
            c.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            c.HasIndex(x => new { x.TicketId, x.Kind }).IsUnique();
            c.HasIndex(x => x.NextAt); // the sweeper's only query: next_at <= now, oldest first
            c.HasIndex(x => new { x.StoppedAt, x.PausedAt, x.DueAt }); // 超时 now: running clocks past their deadline
            c.Property(x => x.Kind).HasConversion<string>().HasMaxLength(12);
            c.Property(x => x.Stage).HasConversion<string>().HasMaxLength(12);
            c.Property(x => x.LimitUnit).HasConversion<string>().HasMaxLength(14);
            c.Property(x => x.NextAt).IsConcurrencyToken();
            c.Property(x => x.Problem).HasMaxLength(100);
            // The pauses as one JSON column ([{"From":…,"Until":…}], the format rows already hold), compared by value.
            c.Property(x => x.Pauses).HasConversion(
                v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
                s => JsonSerializer.Deserialize<List<Domain.Sla.ClockPause>>(s, (JsonSerializerOptions?)null) ?? new List<Domain.Sla.ClockPause>(),
                new ValueComparer<List<Domain.Sla.ClockPause>>((a, b) => a!.SequenceEqual(b!), v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p)), v => v.ToList()));
            c.Ignore(x => x.Schedule);
        });
        b.Entity<DepartmentDigest>(d =>
        {
            d.ToTable("department_digests");
            d.HasIndex(x => new { x.Day, x.DepartmentCode }).IsUnique();
            d.Property(x => x.DepartmentCode).HasMaxLength(64);
        });
        b.Entity<Routing.RoutingRuleRow>(r =>
        {
            r.ToTable("routing_rules");
            r.HasKey(x => x.Code);
            r.Property(x => x.Code).HasMaxLength(64);
            r.Property(x => x.Name).HasMaxLength(200);
            r.Property(x => x.TicketType).HasConversion<string>().HasMaxLength(20);
            r.Property(x => x.RequesterKind).HasConversion<string>().HasMaxLength(12);
            r.HasOne<Department>().WithMany().HasForeignKey(x => x.MainDepartmentCode).OnDelete(DeleteBehavior.Restrict);
            r.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryCode).OnDelete(DeleteBehavior.Restrict);
            r.HasOne<District>().WithMany().HasForeignKey(x => x.DistrictCode).OnDelete(DeleteBehavior.Restrict);
        });
        Notifications.NotificationsModel.Configure(b);
        Hotline.Server.Ratings.RatingsModel.Configure(b);
        Analytics.AnalyticsModel.Configure(b);
        Hotline.Server.Tickets.SavedSearches.Configure(b);
        Hotline.Server.Access.ConsolePreferences.Configure(b);
        Hotline.Server.Knowledge.KnowledgeModel.Configure(b);
        Hotline.Server.Enterprises.PoliciesModel.Configure(b);
        Hotline.Server.Ratings.TicketAccessCode.Configure(b);
        b.Entity<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>().ToTable("data_protection_keys");
    }
}

public sealed class SqliteHotlineDbContext(DbContextOptions<SqliteHotlineDbContext> options) : HotlineDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare DateTimeOffset text: instants are stored as UTC ticks, which order and compare exactly
        // (EF's binary converter keeps the offset in the low bits, so equal instants with other offsets compare unequal).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}

public sealed class PostgresHotlineDbContext(DbContextOptions<PostgresHotlineDbContext> options) : HotlineDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // timestamptz takes UTC only; deadlines computed in China Standard Time arrive with +08:00.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcConverter>();
    }

    private sealed class UtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(v => v.ToUniversalTime(), v => v);
}
