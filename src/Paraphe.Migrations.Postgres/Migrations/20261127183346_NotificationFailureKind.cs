using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class NotificationFailureKind : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FailureKind",
                table: "notifications",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                // Rows written before this column existed had no failure kind: "" would not read back as an enum.
                defaultValue: "None");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FailureKind",
                table: "notifications");
        }
    }
}
