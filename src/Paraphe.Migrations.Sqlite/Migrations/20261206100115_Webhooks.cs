using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Webhooks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AgentUserId",
                table: "procedures",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiryWarnedAt",
                table: "procedures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Message",
                table: "procedures",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

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
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SearchKey",
                table: "contacts",
                type: "TEXT",
                maxLength: 800,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "KioskProcedureId",
                table: "agent_sessions",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "KioskUnlockFailures",
                table: "agent_sessions",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "alert_preferences",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    EmailSignerDeclined = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailSignerUnreachable = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailProcedureCompleted = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailProcedureExpiring = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailSealingFailed = table.Column<bool>(type: "INTEGER", nullable: false),
                    EmailWebhookDisabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alert_preferences", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_alert_preferences_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_alerts",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ProcedureId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    SignerId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    SignerName = table.Column<string>(type: "TEXT", maxLength: 210, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    NotificationId = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ReadAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_alerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_user_alerts_procedures_ProcedureId",
                        column: x => x.ProcedureId,
                        principalTable: "procedures",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_user_alerts_users_UserId",
                        column: x => x.UserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    Events = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Secret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    PreviousSecret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PreviousSecretExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    DisabledReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DisabledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailingSince = table.Column<DateTime>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_endpoints", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhook_endpoints_agencies_AgencyId",
                        column: x => x.AgencyId,
                        principalTable: "agencies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "webhook_deliveries",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    AgencyId = table.Column<string>(type: "TEXT", nullable: false),
                    EndpointId = table.Column<string>(type: "TEXT", nullable: false),
                    EventId = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Payload = table.Column<string>(type: "TEXT", nullable: false),
                    ProcedureId = table.Column<string>(type: "TEXT", nullable: true),
                    ReplayOf = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastStatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    LastDurationMs = table.Column<int>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DoneAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FailedAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_deliveries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_webhook_deliveries_webhook_endpoints_EndpointId",
                        column: x => x.EndpointId,
                        principalTable: "webhook_endpoints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_procedures_AgencyId_NeedsAttention",
                table: "procedures",
                columns: new[] { "AgencyId", "NeedsAttention" });

            migrationBuilder.CreateIndex(
                name: "IX_user_alerts_NotificationId",
                table: "user_alerts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_user_alerts_ProcedureId_Kind",
                table: "user_alerts",
                columns: new[] { "ProcedureId", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_user_alerts_UserId_CreatedAt",
                table: "user_alerts",
                columns: new[] { "UserId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_EndpointId_CreatedAt",
                table: "webhook_deliveries",
                columns: new[] { "EndpointId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_EventId",
                table: "webhook_deliveries",
                column: "EventId");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_deliveries_NextAttemptAt",
                table: "webhook_deliveries",
                column: "NextAttemptAt");

            migrationBuilder.CreateIndex(
                name: "IX_webhook_endpoints_AgencyId",
                table: "webhook_endpoints",
                column: "AgencyId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_preferences");

            migrationBuilder.DropTable(
                name: "user_alerts");

            migrationBuilder.DropTable(
                name: "webhook_deliveries");

            migrationBuilder.DropTable(
                name: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "IX_procedures_AgencyId_NeedsAttention",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "AgentUserId",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "ExpiryWarnedAt",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "Message",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "NeedsAttention",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "SigningOrder",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "SearchKey",
                table: "contacts");

            migrationBuilder.DropColumn(
                name: "KioskProcedureId",
                table: "agent_sessions");

            migrationBuilder.DropColumn(
                name: "KioskUnlockFailures",
                table: "agent_sessions");
        }
    }
}
