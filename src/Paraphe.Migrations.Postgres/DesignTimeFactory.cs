using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Paraphe.Data;

namespace Paraphe.Migrations.Postgres;

/// <summary>Used only by `dotnet ef migrations add` (see docs/DEVELOPMENT.md).</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ParapheDbContext>
{
    public ParapheDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ParapheDbContext>();
        options.Use(DatabaseProvider.Postgres, "Host=localhost;Database=design");
        return new ParapheDbContext(options.Options).Lease(NoTenant.Instance, TimeProvider.System);
    }
}
