using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgencySettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_notifications_procedures_ProcedureId",
                table: "notifications");

            migrationBuilder.AddColumn<DateTime>(
                name: "DeactivatedAt",
                table: "users",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Actor",
                table: "security_events",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "ProcedureId",
                table: "notifications",
                type: "character varying(40)",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(40)");

            migrationBuilder.AddColumn<string>(
                name: "CreatedBy",
                table: "api_keys",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastUsedAt",
                table: "api_keys",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "api_keys",
                type: "character varying(100)",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Address",
                table: "agencies",
                type: "character varying(400)",
                maxLength: 400,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "DefaultExpiresInDays",
                table: "agencies",
                type: "integer",
                nullable: false,
                defaultValue: 30); // ProcedureRules.DefaultExpiryDays, what existing agencies had

            migrationBuilder.AddColumn<string>(
                name: "ProfessionalCard",
                table: "agencies",
                type: "character varying(60)",
                maxLength: 60,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AgencyId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    UserId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    NotificationId = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_account_tokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_account_tokens_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_account_tokens_Hash",
                table: "account_tokens",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_account_tokens_NotificationId",
                table: "account_tokens",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_account_tokens_UserId_Kind_CreatedAt",
                table: "account_tokens",
                columns: new[] { "UserId", "Kind", "CreatedAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_notifications_procedures_ProcedureId",
                table: "notifications",
                column: "ProcedureId",
                principalTable: "procedures",
                principalColumn: "Id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_notifications_procedures_ProcedureId",
                table: "notifications");

            migrationBuilder.DropTable(
                name: "account_tokens");

            migrationBuilder.DropColumn(
                name: "DeactivatedAt",
                table: "users");

            migrationBuilder.DropColumn(
                name: "Actor",
                table: "security_events");

            migrationBuilder.DropColumn(
                name: "CreatedBy",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "LastUsedAt",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "api_keys");

            migrationBuilder.DropColumn(
                name: "Address",
                table: "agencies");

            migrationBuilder.DropColumn(
                name: "DefaultExpiresInDays",
                table: "agencies");

            migrationBuilder.DropColumn(
                name: "ProfessionalCard",
                table: "agencies");

            migrationBuilder.AlterColumn<string>(
                name: "ProcedureId",
                table: "notifications",
                type: "character varying(40)",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_notifications_procedures_ProcedureId",
                table: "notifications",
                column: "ProcedureId",
                principalTable: "procedures",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
