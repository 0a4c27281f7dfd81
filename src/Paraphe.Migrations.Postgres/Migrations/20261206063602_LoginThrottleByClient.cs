using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class LoginThrottleByClient : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_security_events_Ip_Kind_At",
                table: "security_events");

            migrationBuilder.AddColumn<string>(
                name: "Client",
                table: "security_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_security_events_Client_Kind_At",
                table: "security_events",
                columns: new[] { "Client", "Kind", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_security_events_Client_Kind_At",
                table: "security_events");

            migrationBuilder.DropColumn(
                name: "Client",
                table: "security_events");

            migrationBuilder.CreateIndex(
                name: "IX_security_events_Ip_Kind_At",
                table: "security_events",
                columns: new[] { "Ip", "Kind", "At" });
        }
    }
}
