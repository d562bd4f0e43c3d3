using Microsoft.EntityFrameworkCore;

namespace Hotline.Server.Enterprises;

/// <summary>The policy library, the enterprise library and pushes in the database model.</summary>
public static class PoliciesModel
{
    public static void Configure(ModelBuilder b)
    {
        b.Entity<Policy>(p =>
        {
            p.ToTable("policies");
            p.Property(x => x.Title).HasMaxLength(200);
            p.Property(x => x.FullTextUrl).HasMaxLength(500);
            p.Property(x => x.DepartmentCode).HasMaxLength(64);
            p.Property(x => x.IssuedBy).HasMaxLength(200);
            p.Property(x => x.SeedKey).HasMaxLength(100);
            p.HasIndex(x => x.SeedKey).IsUnique();
            p.PrimitiveCollection(x => x.Sizes).ElementType().HasConversion<string>();
            p.PrimitiveCollection(x => x.RegistrationTypes).ElementType().HasConversion<string>();
            p.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
        b.Entity<Enterprise>(e =>
        {
            e.ToTable("enterprises");
            e.HasKey(x => x.CreditCode);
            e.Property(x => x.CreditCode).HasMaxLength(18);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Industry).HasMaxLength(1);
            e.Property(x => x.DistrictCode).HasMaxLength(64);
            e.Property(x => x.Size).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.RegistrationType).HasConversion<string>().HasMaxLength(24);
            e.Property(x => x.ContactPerson).HasMaxLength(50);
            e.Property(x => x.Phone).HasMaxLength(20);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Source).HasMaxLength(10);
            e.HasIndex(x => x.Email);
        });
        b.Entity<PolicyPush>(p =>
        {
            p.ToTable("policy_pushes");
            p.HasOne<Policy>().WithMany().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Restrict);
            p.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
            p.Property(x => x.Cursor).HasMaxLength(18);
            p.Property(x => x.Round).IsConcurrencyToken();
            p.Property(x => x.StartedBy).HasMaxLength(100);
            p.HasIndex(x => x.Status);
        });
        b.Entity<PolicyDelivery>(d =>
        {
            d.ToTable("policy_deliveries");
            d.HasOne<Policy>().WithMany().HasForeignKey(x => x.PolicyId).OnDelete(DeleteBehavior.Restrict);
            d.Property(x => x.CreditCode).HasMaxLength(18);
            d.Property(x => x.Email).HasMaxLength(254);
            d.Property(x => x.MessageId).HasMaxLength(250);
            // One email per enterprise per policy, whatever happens to pushes (a second push, a restart, two nodes).
            d.HasIndex(x => new { x.PolicyId, x.CreditCode }).IsUnique();
            d.HasIndex(x => x.CreditCode);
            d.HasIndex(x => x.MessageId);
        });
    }
}
