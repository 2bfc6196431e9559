using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bot.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    UserKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ChatId = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    ThreadId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    RequestMessageId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    StatusMessageId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Prompt = table.Column<string>(type: "TEXT", nullable: false),
                    NegativePrompt = table.Column<string>(type: "TEXT", nullable: true),
                    Task = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Size = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Seed = table.Column<long>(type: "INTEGER", nullable: true),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RunPodJobId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Deadline = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmitStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FinishedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    NextCheckAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CheckFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    ProgressStage = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ProgressPercent = table.Column<int>(type: "INTEGER", nullable: true),
                    ProgressStep = table.Column<int>(type: "INTEGER", nullable: true),
                    ProgressSteps = table.Column<int>(type: "INTEGER", nullable: true),
                    DeliveryStartedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DeliveredMessageId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DeliveredAsLink = table.Column<bool>(type: "INTEGER", nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ExecutionMs = table.Column<long>(type: "INTEGER", nullable: true),
                    DelayMs = table.Column<long>(type: "INTEGER", nullable: true),
                    OutputBytes = table.Column<long>(type: "INTEGER", nullable: true),
                    OutputSeed = table.Column<long>(type: "INTEGER", nullable: true),
                    OutputWidth = table.Column<int>(type: "INTEGER", nullable: true),
                    OutputHeight = table.Column<int>(type: "INTEGER", nullable: true),
                    OutputDurationSeconds = table.Column<double>(type: "REAL", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "QuotaEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    UserKey = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    PeriodStart = table.Column<long>(type: "INTEGER", nullable: false),
                    JobId = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SettledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuotaEntries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_QuotaEntries_Jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "Jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_RequestKey",
                table: "Jobs",
                column: "RequestKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_State_NextCheckAt",
                table: "Jobs",
                columns: new[] { "State", "NextCheckAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_UserKey_CreatedAt",
                table: "Jobs",
                columns: new[] { "UserKey", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_QuotaEntries_JobId",
                table: "QuotaEntries",
                column: "JobId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuotaEntries_UserKey_PeriodStart",
                table: "QuotaEntries",
                columns: new[] { "UserKey", "PeriodStart" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "QuotaEntries");

            migrationBuilder.DropTable(
                name: "Jobs");
        }
    }
}
