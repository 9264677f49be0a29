using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ProviderIncoming : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ContactToken",
                table: "SipProviders",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InDialplanName",
                table: "SipProviders",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "UnreachableSince",
                table: "SipBindings",
                type: "TEXT",
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
                name: "UnreachableSince",
                table: "SipBindings");
        }
    }
}
