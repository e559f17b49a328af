using System.Diagnostics;
using System.Xml.Linq;
using SoftQDistributed.Shared.Environments.MuJoCo;

namespace SoftQDistributed.Shared.Tests.Environments.MuJoCo;

/// <summary>The bindings' struct offsets and sizes against what the C compiler and the model files say.</summary>
public sealed class MjLayoutTests
{
    [MuJoCoFact(needsCompiler: true)]
    public void Every_offset_matches_offsetof_in_the_installed_headers()
    {
        string gcc = MuJoCoFactAttribute.Gcc!;
        string dir = Directory.CreateTempSubdirectory("mjlayout").FullName;
        try
        {
            string source = Path.Combine(dir, "layout.c");
            var lines = new List<string> { "#include <stdio.h>", "#include <stddef.h>", "#include <mujoco/mujoco.h>", "int main(void) {" };
            foreach ((string type, string field, _) in MjLayout.Fields)
                lines.Add($"  printf(\"%s.%s %zu\\n\", \"{type}\", \"{field}\", offsetof({type}, {field}));");
            lines.Add("  printf(\"version %d\\n\", mjVERSION_HEADER);");
            lines.Add("  return 0;");
            lines.Add("}");
            File.WriteAllLines(source, lines);
            string binary = Path.Combine(dir, "layout");
            (int compiled, string compileOutput) = Run(gcc, "-o", binary, source);
            Assert.True(compiled == 0, $"gcc failed: {compileOutput}");
            (int ran, string output) = Run(binary);
            Assert.Equal(0, ran);

            var reported = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(' '))
                .ToDictionary(parts => parts[0], parts => int.Parse(parts[1]));
            Assert.Equal(MjLayout.Version, reported["version"]);
            foreach ((string type, string field, int offset) in MjLayout.Fields)
                Assert.True(reported[$"{type}.{field}"] == offset, $"{type}.{field}: bindings say {offset}, C says {reported[$"{type}.{field}"]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [MuJoCoTheory]
    [InlineData("swimmer.xml")]
    [InlineData("hopper.xml")]
    [InlineData("half_cheetah.xml")]
    [InlineData("walker2d.xml")]
    [InlineData("ant.xml")]
    [InlineData("humanoid.xml")]
    public void Sizes_read_from_mjModel_match_the_joints_bodies_and_motors_in_the_file(string file)
    {
        XDocument xml = XDocument.Load(MuJoCoModels.PathOf(file));
        var joints = xml.Descendants("joint").Where(j => j.Parent?.Name == "body").ToList();
        int free = joints.Count(j => (string?)j.Attribute("type") == "free");
        int nq = joints.Count - free + 7 * free;
        int nv = joints.Count - free + 6 * free;
        int nbody = xml.Descendants("body").Count() + 1; // + the world body
        int nu = xml.Descendants("actuator").Elements("motor").Count();

        using var sim = new MjSimulation(MuJoCoModels.PathOf(file));

        Assert.Equal((nq, nv, nu, nbody, 0), (sim.Nq, sim.Nv, sim.Nu, sim.Nbody, sim.Na));
        double timestep = double.Parse((string)xml.Descendants("option").Single().Attribute("timestep")!);
        Assert.Equal(timestep, sim.Timestep);
        // The ranges of the file's motors, in file order, as the model reports them.
        ReadOnlySpan<double> range = sim.ActuatorCtrlRange;
        Assert.True(range[0] < 0 && range[1] > 0 && range[0] == -range[1], $"ctrlrange {range[0]}..{range[1]}");
    }

    [MuJoCoFact]
    public void Body_positions_and_masses_read_through_the_offsets_are_the_models()
    {
        using var sim = new MjSimulation(MuJoCoModels.PathOf("ant.xml"));
        sim.Forward();
        int torso = sim.BodyId("torso");
        // The torso body is placed at (0, 0, 0.75) and the free joint's qpos0 starts there.
        Assert.Equal([0, 0, 0.75], sim.Xpos.Slice(3 * torso, 3).ToArray());
        Assert.Equal([0, 0, 0.75, 1, 0, 0, 0], sim.Qpos0[..7].ToArray());
        // A sphere of radius 0.25 at density 5.
        Assert.Equal(5 * 4.0 / 3 * Math.PI * Math.Pow(0.25, 3), sim.BodyMass[torso], 1e-12);
        Assert.Equal(0, sim.BodyMass[0]);
        Assert.Throws<ArgumentException>(() => sim.BodyId("tail"));
    }

    [MuJoCoFact]
    public void Contact_forces_appear_once_the_body_rests_on_the_floor()
    {
        using var sim = new MjSimulation(MuJoCoModels.PathOf("ant.xml"));
        sim.Step(200);
        sim.RnePostConstraint();
        int torso = sim.BodyId("torso");
        // At rest the floor carries the ant's weight: the contact forces' total vertical part is m g.
        double mass = 0;
        foreach (double m in sim.BodyMass) mass += m;
        double vertical = 0;
        for (int b = 0; b < sim.Nbody; b++) vertical += sim.CfrcExt[6 * b + 5];
        Assert.Equal(mass * 9.81, vertical, mass * 9.81 * 0.02);
        Assert.True(sim.Xpos[3 * torso + 2] < 0.75, "the ant should have dropped onto its legs");
    }

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
