using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Storage.Migrations
{
    /// <inheritdoc />
    public partial class AddDiscordInteraction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "InteractionExpiresAt",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InteractionToken",
                table: "Jobs",
                type: "TEXT",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "UploadLimit",
                table: "Jobs",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "InteractionExpiresAt",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "InteractionToken",
                table: "Jobs");

            migrationBuilder.DropColumn(
                name: "UploadLimit",
                table: "Jobs");
        }
    }
}
