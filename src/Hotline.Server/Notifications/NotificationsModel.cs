using Hotline.Domain.Tickets;
using Hotline.Server.Reference;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Notifications;

/// <summary>The notification tables: outbox_emails, outbox_attachments, email_templates, requester_messages; and the department head columns.</summary>
public static class NotificationsModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<OutboxEmail>(o =>
        {
            o.ToTable("outbox_emails");
            o.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            o.Property(x => x.MessageId).HasMaxLength(200);
            o.HasIndex(x => x.MessageId).IsUnique();
            o.HasIndex(x => new { x.TicketId, x.EventVersion, x.Kind }).IsUnique(); // one email of a kind per event
            o.HasIndex(x => new { x.Status, x.NextAttemptAt }); // the sender's query: pending and due
            o.HasIndex(x => x.LeaseToken);
            o.Property(x => x.Kind).HasMaxLength(30);
            o.Property(x => x.TicketNumber).HasMaxLength(TicketNumber.Length);
            o.Property(x => x.ToAddress).HasMaxLength(320);
            o.Property(x => x.ToName).HasMaxLength(200);
            o.Property(x => x.Language).HasMaxLength(10);
            o.Property(x => x.Subject).HasMaxLength(1000);
            o.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
            o.Property(x => x.LeaseToken).HasMaxLength(32);
            o.Property(x => x.LastError).HasMaxLength(1000);
            o.Property(x => x.UnsubscribeUrl).HasMaxLength(1000);
            o.HasMany(x => x.Attachments).WithOne().HasForeignKey(x => x.OutboxEmailId).OnDelete(DeleteBehavior.Cascade);
        });
        b.Entity<OutboxAttachment>(a =>
        {
            a.ToTable("outbox_attachments");
            a.Property(x => x.FileName).HasMaxLength(255);
            a.Property(x => x.ContentType).HasMaxLength(200);
        });
        b.Entity<EmailTemplate>(t =>
        {
            t.ToTable("email_templates");
            t.HasKey(x => new { x.Kind, x.Language });
            t.Property(x => x.Kind).HasMaxLength(30);
            t.Property(x => x.Language).HasMaxLength(10);
            t.Property(x => x.Subject).HasMaxLength(500);
            t.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
        b.Entity<RequesterMessage>(m =>
        {
            m.ToTable("requester_messages");
            m.HasOne<Ticket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            m.HasIndex(x => new { x.TicketId, x.Id });
            m.Property(x => x.TicketNumber).HasMaxLength(TicketNumber.Length);
            m.Property(x => x.FromAddress).HasMaxLength(320);
            m.Property(x => x.Channel).HasMaxLength(20);
        });
        b.Entity<Department>(d =>
        {
            d.Property(x => x.HeadName).HasMaxLength(100);
            d.Property(x => x.HeadEmail).HasMaxLength(320);
        });
    }
}
