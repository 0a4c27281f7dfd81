using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PreparedSignatureForms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "signature_forms",
                columns: table => new
                {
                    SignerId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProcedureId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Format = table.Column<int>(type: "INTEGER", nullable: false),
                    Pdf = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signature_forms", x => x.SignerId);
                    table.ForeignKey(
                        name: "FK_signature_forms_signers_SignerId",
                        column: x => x.SignerId,
                        principalTable: "signers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_signature_forms_ProcedureId",
                table: "signature_forms",
                column: "ProcedureId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "signature_forms");
        }
    }
}
