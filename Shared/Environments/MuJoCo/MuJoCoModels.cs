namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>Where the MJCF files of the tasks are: copied next to the assemblies (Shared.csproj), under Environments/MuJoCo/Models as in the source tree.</summary>
public static class MuJoCoModels
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Environments", "MuJoCo", "Models");

    public static string PathOf(string file) => Path.Combine(Directory, file);
}
