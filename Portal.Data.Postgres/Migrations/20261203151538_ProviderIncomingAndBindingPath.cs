using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ProviderIncomingAndBindingPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContactToken",
                table: "SipProviders",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InDialplanName",
                table: "SipProviders",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Path",
                table: "SipBindings",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UnreachableSince",
                table: "SipBindings",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_SipProviders_ContactToken",
                table: "SipProviders",
                column: "ContactToken",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_SipProviders_ContactToken",
                table: "SipProviders");

            migrationBuilder.DropColumn(
                name: "ContactToken",
                table: "SipProviders");

            migrationBuilder.DropColumn(
                name: "InDialplanName",
                table: "SipProviders");

            migrationBuilder.DropColumn(
                name: "Path",
                table: "SipBindings");

            migrationBuilder.DropColumn(
                name: "UnreachableSince",
                table: "SipBindings");
        }
    }
}
