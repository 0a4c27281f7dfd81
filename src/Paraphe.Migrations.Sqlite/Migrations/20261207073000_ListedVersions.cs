using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <summary>
    /// Issue 12, seventh round: SQLite has no row version (PostgreSQL's <c>xmin</c>), so the list's stamps
    /// (<c>Paraphe.Web/Features/Procedures/ListedStamps.cs</c>) read one number per procedure from <c>listed_versions</c>,
    /// which these triggers move after every <c>UPDATE</c> of a procedure and every <c>INSERT</c>, <c>UPDATE</c> or
    /// <c>DELETE</c> of a signer or a sealing job, whoever writes (EF, <c>ExecuteUpdate</c>, raw SQL, any instance on the
    /// file). The number only grows. The table is not in EF's model: nothing in the app writes it but the triggers, so
    /// EF can never write a stale value back. A later migration that rebuilds one of these tables must create its
    /// triggers again (tests <c>ProcedureListCache</c> fail otherwise: a write on a second instance is no longer seen).
    /// </summary>
    public partial class ListedVersions : Migration
    {
        private static string Bump(string procedureId) => $"""
            INSERT INTO "listed_versions" ("ProcedureId", "Version") VALUES ({procedureId}, 1)
              ON CONFLICT ("ProcedureId") DO UPDATE SET "Version" = "Version" + 1;
            """;

        private static readonly (string Name, string Sql)[] Triggers =
        [
            ("listed_procedures_update", $"""AFTER UPDATE ON "procedures" BEGIN {Bump("NEW.\"Id\"")} END"""),
            ("listed_signers_insert", $"""AFTER INSERT ON "signers" BEGIN {Bump("NEW.\"ProcedureId\"")} END"""),
            ("listed_signers_update", $"""AFTER UPDATE ON "signers" BEGIN {Bump("NEW.\"ProcedureId\"")} END"""),
            ("listed_signers_delete", $"""AFTER DELETE ON "signers" BEGIN {Bump("OLD.\"ProcedureId\"")} END"""),
            ("listed_sealing_jobs_insert", $"""AFTER INSERT ON "sealing_jobs" BEGIN {Bump("NEW.\"ProcedureId\"")} END"""),
            ("listed_sealing_jobs_update", $"""AFTER UPDATE ON "sealing_jobs" BEGIN {Bump("NEW.\"ProcedureId\"")} END"""),
            ("listed_sealing_jobs_delete", $"""AFTER DELETE ON "sealing_jobs" BEGIN {Bump("OLD.\"ProcedureId\"")} END"""),
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "listed_versions" ("ProcedureId" TEXT NOT NULL PRIMARY KEY, "Version" INTEGER NOT NULL) WITHOUT ROWID;
                """);
            foreach (var (name, sql) in Triggers)
                migrationBuilder.Sql($"CREATE TRIGGER \"{name}\" {sql};");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var (name, _) in Triggers)
                migrationBuilder.Sql($"DROP TRIGGER \"{name}\";");
            migrationBuilder.Sql("DROP TABLE \"listed_versions\";");
        }
    }
}
