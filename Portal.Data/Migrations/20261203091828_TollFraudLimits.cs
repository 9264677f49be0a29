using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations
{
    /// <inheritdoc />
    public partial class TollFraudLimits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CallersMayTransfer",
                table: "SipAccounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "OwnerId",
                table: "AuditEntries",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxCallsPerDay",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MaxCallsPerHour",
                table: "AspNetUsers",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OwnerId_Action_At",
                table: "AuditEntries",
                columns: new[] { "OwnerId", "Action", "At" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_OwnerId_Action_At",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "CallersMayTransfer",
                table: "SipAccounts");

            migrationBuilder.DropColumn(
                name: "OwnerId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "MaxCallsPerDay",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "MaxCallsPerHour",
                table: "AspNetUsers");
        }
    }
}
