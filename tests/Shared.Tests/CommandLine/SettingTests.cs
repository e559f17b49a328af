using System.ComponentModel;
using Microsoft.Extensions.Configuration;
using SoftQDistributed.Shared.Cluster;
using SoftQDistributed.Shared.CommandLine;

namespace SoftQDistributed.Shared.Tests.CommandLine;

public sealed class SettingTests
{
    private sealed record Sample
    {
        [Description("Rows per insert.")]
        public int SendBatch { get; set; } = 64;

        [Description("Milliseconds before a partial batch is sent.")]
        [Switch("--flush-ms")]
        public int FlushMilliseconds { get; set; } = 20;

        [Description("Priority exponent; unset: uniform.")]
        public double? PriorityExponent { get; set; }

        [Description("Hidden widths.")]
        public IReadOnlyList<int> Hidden { get; set; } = [128, 64];

        /// <summary>Not a setting: it has no setter.</summary>
        public int Derived => SendBatch * 2;
    }

    private sealed record Undescribed
    {
        public int Width { get; set; }
    }

    [Fact]
    public void A_record_s_settable_properties_are_its_settings_with_switch_key_variable_default_and_meaning()
    {
        IReadOnlyList<Setting> settings = Setting.Of<Sample>("Actor");
        Assert.Equal(["--send-batch", "--flush-ms", "--priority-exponent", "--hidden"], settings.Select(s => s.Switch));
        Setting flush = settings[1];
        Assert.Equal(("Actor:FlushMilliseconds", "SOFTQ__Actor__FlushMilliseconds", "20", "Milliseconds before a partial batch is sent.", "int"),
            (flush.Key, flush.EnvironmentVariable, flush.Default, flush.Description, flush.ValueName));
        Assert.Equal(("unset", "number"), (settings[2].Default, settings[2].ValueName));
        Assert.Equal(("128,64", "list"), (settings[3].Default, settings[3].ValueName));
        Assert.Throws<InvalidOperationException>(() => Setting.Of<Undescribed>("X")); // every setting says what it means
    }

    [Theory]
    [InlineData("--capcity", "--capacity")]
    [InlineData("--evns", "--envs")]
    [InlineData("trian", "train")]
    [InlineData("--envx", "--env or --envs")]
    [InlineData("--colour", null)]
    public void The_nearest_known_name_is_suggested_only_when_it_is_near(string word, string? expected)
    {
        string[] known = ["--capacity", "--env", "--envs", "--seed", "train", "serve", "--color-depth"];
        Assert.Equal(expected, ParseErrors.Nearest(word, known.Where(k => k != word)));
    }

    [Fact]
    public void An_unknown_key_in_an_owned_section_is_refused_naming_its_source_and_other_sections_are_left_alone()
    {
        IConfigurationRoot configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Warning", ["Cluster:Seeds"] = "a:1" })
            .Build();
        UnknownKeys.Refuse(configuration, ClusterSwitches.Settings);

        using var directory = new TestDirectory();
        string file = Path.Combine(directory.Path, "appsettings.json");
        File.WriteAllText(file, """{ "Cluster": { "Seed": "a:1" } }""");
        IConfigurationRoot withTypo = new ConfigurationBuilder().AddJsonFile(file).Build();
        var error = Assert.Throws<InvalidDataException>(() => UnknownKeys.Refuse(withTypo, ClusterSwitches.Settings));
        Assert.Equal($"unknown setting Cluster:Seed in {file}; did you mean Cluster:Seeds?", error.Message);
    }
}
