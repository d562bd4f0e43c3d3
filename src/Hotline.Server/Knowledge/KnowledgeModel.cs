using System.Text.Json;
using Hotline.Domain.Knowledge;
using Hotline.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hotline.Server.Knowledge;

/// <summary>The knowledge base's part of the database model. The full-text index itself is created by the migration's SQL.</summary>
public static class KnowledgeModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<KnowledgeArticle>(a =>
        {
            a.ToTable("knowledge_articles");
            a.Property(x => x.Title).HasMaxLength(ArticleContent.MaxTitle);
            a.Property(x => x.Answer).HasMaxLength(ArticleContent.MaxAnswer);
            a.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
            a.Property(x => x.Version).IsConcurrencyToken();
            a.Property(x => x.SeedKey).HasMaxLength(100);
            a.HasIndex(x => x.SeedKey).IsUnique();
            a.HasIndex(x => new { x.Status, x.Id });
            a.Property(x => x.Links).HasConversion(Json<List<ArticleLink>>(), JsonComparer<List<ArticleLink>>());
            a.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
        b.Entity<KnowledgeArticleVersion>(v =>
        {
            v.ToTable("knowledge_article_versions");
            v.HasIndex(x => new { x.ArticleId, x.Version }).IsUnique();
            v.HasOne<KnowledgeArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            v.Property(x => x.Action).HasMaxLength(30);
            v.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
            v.Property(x => x.ActorId).HasMaxLength(100);
            v.Property(x => x.ActorName).HasMaxLength(100);
            v.Property(x => x.Content).HasConversion(Json<ArticleContent>(), JsonComparer<ArticleContent>());
        });
        b.Entity<KnowledgeAttachment>(a =>
        {
            a.ToTable("knowledge_attachments");
            a.HasOne<KnowledgeArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            a.Property(x => x.FileName).HasMaxLength(255);
            a.Property(x => x.ContentType).HasMaxLength(100);
            a.Property(x => x.Sha256).HasMaxLength(64);
            a.Property(x => x.UploadedBy).HasMaxLength(100);
        });
        b.Entity<KnowledgeIndexRow>(i =>
        {
            i.ToTable("knowledge_index");
            i.HasKey(x => x.ArticleId);
            i.Property(x => x.ArticleId).ValueGeneratedNever();
            i.HasOne<KnowledgeArticle>().WithOne().HasForeignKey<KnowledgeIndexRow>(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<KnowledgeSynonym>(s =>
        {
            s.ToTable("knowledge_synonyms");
            s.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
        b.Entity<KnowledgeProposal>(p =>
        {
            p.ToTable("knowledge_proposals");
            p.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            p.Property(x => x.Status).HasConversion<string>().HasMaxLength(12);
            p.Property(x => x.TicketNumber).HasMaxLength(Domain.Tickets.TicketNumber.Length);
            p.Property(x => x.CategoryCode).HasMaxLength(64);
            p.Property(x => x.DepartmentCode).HasMaxLength(64);
            p.Property(x => x.ProposedBy).HasMaxLength(100);
            p.Property(x => x.DecidedBy).HasMaxLength(100);
            p.HasIndex(x => new { x.Status, x.Id });
            // One proposal per ticket and kind, also when the feedback runs twice (a restart, two nodes).
            p.HasIndex(x => new { x.TicketId, x.Kind }).IsUnique();
        });
        b.Entity<KnowledgeFlag>(f =>
        {
            f.ToTable("knowledge_flags");
            f.HasOne<KnowledgeArticle>().WithMany().HasForeignKey(x => x.ArticleId).OnDelete(DeleteBehavior.Cascade);
            f.Property(x => x.Reason).HasConversion<string>().HasMaxLength(30);
            f.Property(x => x.Key).HasMaxLength(64);
            f.Property(x => x.TicketNumber).HasMaxLength(Domain.Tickets.TicketNumber.Length);
            f.Property(x => x.ClearedBy).HasMaxLength(100);
            f.HasIndex(x => new { x.ArticleId, x.Reason, x.Key }).IsUnique();
            f.HasIndex(x => x.ClearedAt);
        });
        b.Entity<KnowledgeUse>(u =>
        {
            u.ToTable("knowledge_uses");
            u.HasIndex(x => x.TicketId).IsUnique();
            u.HasIndex(x => x.ArticleId);
            u.Property(x => x.TicketNumber).HasMaxLength(Domain.Tickets.TicketNumber.Length);
            u.Property(x => x.Rating).HasConversion<string>().HasMaxLength(20);
        });
        b.Entity<OnlineResolution>(o =>
        {
            o.ToTable("online_resolutions");
            o.HasIndex(x => x.At);
            o.HasIndex(x => new { x.ArticleId, x.At });
            o.Property(x => x.Channel).HasMaxLength(10);
            o.Property(x => x.Question).HasMaxLength(200);
        });
        b.Entity<KnowledgeFeedCursor>(c =>
        {
            c.ToTable("knowledge_feed");
            c.Property(x => x.Id).ValueGeneratedNever();
            c.Property(x => x.LastEventId).IsConcurrencyToken();
        });
    }

    public static ValueConverter<T, string> Json<T>() => new(
        v => JsonSerializer.Serialize(v, HotlineDbContext.PayloadJson),
        s => JsonSerializer.Deserialize<T>(s, HotlineDbContext.PayloadJson)!);

    public static ValueComparer<T> JsonComparer<T>() => new(
        (x, y) => JsonSerializer.Serialize(x, HotlineDbContext.PayloadJson) == JsonSerializer.Serialize(y, HotlineDbContext.PayloadJson),
        v => JsonSerializer.Serialize(v, HotlineDbContext.PayloadJson).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, HotlineDbContext.PayloadJson), HotlineDbContext.PayloadJson)!);
}
