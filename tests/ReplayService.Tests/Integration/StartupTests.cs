namespace SoftQDistributed.ReplayService.Tests.Integration;

public sealed class StartupTests
{
    [Theory]
    [InlineData("--host", "localhost", "error: host 'localhost' is not an IP address")]
    [InlineData("--capacity", "lots", "error: Failed to convert configuration value")]
    [InlineData("--keep-snapshots", "1", "error: keep at least 2 snapshots")]
    [InlineData("--auth-token", "change-me-before-deploying", "error: the auth token is the placeholder")]
    [InlineData("--samples-per-insert", "8", "error: unknown option '--samples-per-insert'")] // the per-shard rate limiter is gone
    public async Task A_bad_setting_stops_the_shard_with_one_error_line_and_exit_code_2(string option, string value, string expected)
    {
        using var dir = new TestDirectory();
        (int exitCode, string error) = await ShardProcess.RunToExitAsync(dir.Path, option, value);
        Assert.True(exitCode == 2, $"exit code {exitCode}, stderr:\n{error}");
        Assert.StartsWith(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
