using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Sealing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "SealedAt",
                table: "procedures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SealedSha256",
                table: "procedures",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "sealed_documents",
                columns: table => new
                {
                    ProcedureId = table.Column<string>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Bytes = table.Column<byte[]>(type: "BLOB", nullable: false),
                    SealedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sealed_documents", x => x.ProcedureId);
                    table.ForeignKey(
                        name: "FK_sealed_documents_procedures_ProcedureId",
                        column: x => x.ProcedureId,
                        principalTable: "procedures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sealing_jobs",
                columns: table => new
                {
                    ProcedureId = table.Column<string>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", nullable: true),
                    DoneAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sealing_jobs", x => x.ProcedureId);
                    table.ForeignKey(
                        name: "FK_sealing_jobs_procedures_ProcedureId",
                        column: x => x.ProcedureId,
                        principalTable: "procedures",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_sealed_documents_Sha256",
                table: "sealed_documents",
                column: "Sha256");

            migrationBuilder.CreateIndex(
                name: "IX_sealing_jobs_DoneAt_NextAttemptAt",
                table: "sealing_jobs",
                columns: new[] { "DoneAt", "NextAttemptAt" });

            // Procedures completed before sealing existed get their job: the worker seals them too.
            migrationBuilder.Sql(
                "INSERT INTO sealing_jobs (\"ProcedureId\", \"AgencyId\", \"CreatedAt\", \"Attempts\", \"NextAttemptAt\", \"Version\") " +
                "SELECT \"Id\", \"AgencyId\", \"CompletedAt\", 0, \"CompletedAt\", 0 FROM procedures " +
                "WHERE \"Status\" = 'Completed' AND \"CompletedAt\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "sealed_documents");

            migrationBuilder.DropTable(
                name: "sealing_jobs");

            migrationBuilder.DropColumn(
                name: "SealedAt",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "SealedSha256",
                table: "procedures");
        }
    }
}
