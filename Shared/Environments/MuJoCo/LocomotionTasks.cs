namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>The six Gymnasium v4 locomotion tasks of the paper's benchmarks, as the registry lists them.</summary>
public static class LocomotionTasks
{
    public static IReadOnlyList<EnvironmentSpec> Specs { get; } =
    [
        new("swimmer", "MuJoCo Swimmer-v4, 1000 steps (needs libmujoco2.2.2)", () => new Swimmer()),
        new("hopper", "MuJoCo Hopper-v4, 1000 steps (needs libmujoco2.2.2); hopper:healthy_reward=0.5,ctrl_cost_weight=0.01 changes those weights",
            () => new Hopper()) { CreateVariant = Hopper.FromOptions },
        new("halfcheetah", "MuJoCo HalfCheetah-v4, 1000 steps (needs libmujoco2.2.2); halfcheetah:reward=speed pays speed either way (a pretraining task)",
            () => new HalfCheetah()) { CreateVariant = HalfCheetah.FromOptions },
        new("walker2d", "MuJoCo Walker2d-v4, 1000 steps (needs libmujoco2.2.2)", () => new Walker2d()),
        new("ant", "MuJoCo Ant-v4, 1000 steps (needs libmujoco2.2.2); ant:reward=speed pays speed in any direction (the paper's pretraining task), ant:healthy_reward=0.05,ctrl_cost_weight=0.005 changes those weights",
            () => new Ant()) { CreateVariant = Ant.FromOptions },
        new("humanoid", "MuJoCo Humanoid-v4, 1000 steps (needs libmujoco2.2.2)", () => new Humanoid()),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Specs.Select(spec => spec.Name)];

    /// <summary>Whether <paramref name="name"/> (options allowed: <c>ant:reward=speed</c>) is one of these tasks.</summary>
    public static bool Contains(string name) => Names.Contains(EnvironmentRegistry.BaseName(name), StringComparer.OrdinalIgnoreCase);
}
