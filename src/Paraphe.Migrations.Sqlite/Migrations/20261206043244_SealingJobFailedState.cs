using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paraphe.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SealingJobFailedState : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "FailedAt",
                table: "sealing_jobs",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "FailedAt",
                table: "sealing_jobs");
        }
    }
}
