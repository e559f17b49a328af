namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// Byte offsets of the mjModel and mjData fields the bindings read, for MuJoCo 2.2.2 on 64-bit Linux
/// (mjtNum = double), worked out from /usr/include/mujoco/mjmodel.h and mjdata.h. A layout mistake would read
/// garbage silently, so <c>MjLayoutTests</c> compiles the C offsetof of every entry in <see cref="Fields"/> and
/// compares, and <see cref="MjSimulation"/> checks at load that the pointers it reads lie in mjData's buffer.
/// </summary>
public static class MjLayout
{
    /// <summary>mj_version() of the library these offsets describe.</summary>
    public const int Version = 222;

    // mjModel: sizes (ints) first, then mjOption (whose first field is timestep), then the arrays.
    public const int ModelNq = 0;
    public const int ModelNv = 4;
    public const int ModelNu = 8;
    public const int ModelNa = 12;
    public const int ModelNbody = 16;
    public const int ModelOptTimestep = 232;
    public const int ModelQpos0 = 1096;
    public const int ModelBodyMass = 1240;
    public const int ModelActuatorCtrlRange = 2792;

    // mjData: counters, then time, then the buffer and the array pointers.
    public const int DataNbuffer = 4;
    public const int DataTime = 40336;
    public const int DataBuffer = 40360;
    public const int DataQpos = 40376;
    public const int DataQvel = 40384;
    public const int DataAct = 40392;
    public const int DataQaccWarmstart = 40400;
    public const int DataCtrl = 40408;
    public const int DataXpos = 40480;
    public const int DataXipos = 40504;
    public const int DataCinert = 40616;
    public const int DataCvel = 40960;
    public const int DataQfrcActuator = 41088;
    public const int DataCfrcExt = 41168;

    /// <summary>Every offset above by its C expression (struct and field), for the layout test.</summary>
    public static IReadOnlyList<(string Struct, string Field, int Offset)> Fields { get; } =
    [
        ("mjModel", "nq", ModelNq), ("mjModel", "nv", ModelNv), ("mjModel", "nu", ModelNu), ("mjModel", "na", ModelNa),
        ("mjModel", "nbody", ModelNbody), ("mjModel", "opt.timestep", ModelOptTimestep), ("mjModel", "qpos0", ModelQpos0),
        ("mjModel", "body_mass", ModelBodyMass), ("mjModel", "actuator_ctrlrange", ModelActuatorCtrlRange),
        ("mjData", "nbuffer", DataNbuffer), ("mjData", "time", DataTime), ("mjData", "buffer", DataBuffer),
        ("mjData", "qpos", DataQpos), ("mjData", "qvel", DataQvel), ("mjData", "act", DataAct),
        ("mjData", "qacc_warmstart", DataQaccWarmstart), ("mjData", "ctrl", DataCtrl), ("mjData", "xpos", DataXpos),
        ("mjData", "xipos", DataXipos), ("mjData", "cinert", DataCinert), ("mjData", "cvel", DataCvel),
        ("mjData", "qfrc_actuator", DataQfrcActuator), ("mjData", "cfrc_ext", DataCfrcExt),
    ];
}
