using Hotline.Domain.Tickets;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Ratings;

/// <summary>The ratings' part of the database model: the <c>ratings</c> table and the ticket's rating columns.</summary>
public static class RatingsModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<RatingRow>(r =>
        {
            r.ToTable("ratings");
            r.HasOne(x => x.Ticket).WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Restrict);
            // One rating per ticket and round, also when two submissions race.
            r.HasIndex(x => new { x.TicketId, x.Round }).IsUnique();
            r.HasIndex(x => new { x.DepartmentCode, x.RatedAt });
            r.HasIndex(x => x.RatedAt);
            r.Property(x => x.TicketNumber).HasMaxLength(TicketNumber.Length);
            r.Property(x => x.Level).HasConversion<string>().HasMaxLength(20);
            r.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            r.Property(x => x.Appeal).HasConversion<string>().HasMaxLength(10);
            r.Property(x => x.DepartmentCode).HasMaxLength(64);
            r.Property(x => x.RatedBy).HasMaxLength(100);
            r.Property(x => x.Comment).HasMaxLength(Rated.MaxComment);
            r.Property(x => x.AppealReason).HasMaxLength(TicketChange.MaxText);
            r.Property(x => x.AppealDecisionComment).HasMaxLength(TicketChange.MaxText);
            r.Ignore(x => x.CountsInScore);
        });
        b.Entity<Ticket>(t =>
        {
            t.Property(x => x.Rating).HasConversion<string>().HasMaxLength(20);
            t.Property(x => x.RatingAppeal).HasConversion<string>().HasMaxLength(10);
            t.Property(x => x.RatedDepartmentCode).HasMaxLength(64);
        });
    }
}
