using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SigningOrderAndAttention : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "NeedsAttention",
                table: "procedures",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "SigningOrder",
                table: "procedures",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "Parallel");

            migrationBuilder.CreateIndex(
                name: "IX_procedures_AgencyId_NeedsAttention",
                table: "procedures",
                columns: new[] { "AgencyId", "NeedsAttention" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_procedures_AgencyId_NeedsAttention",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "NeedsAttention",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "SigningOrder",
                table: "procedures");
        }
    }
}
