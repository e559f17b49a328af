using System.Runtime.InteropServices;
using System.Text;

namespace SoftQDistributed.Shared.Environments.MuJoCo;

/// <summary>
/// One MuJoCo model and its data (mjModel + mjData), with the state and outputs the environments use exposed as
/// spans over MuJoCo's own arrays: reading and writing them, and stepping, allocate nothing. Not thread-safe.
/// </summary>
public sealed unsafe class MjSimulation : IDisposable
{
    // MuJoCo 2.2's XML compiler keeps global parser state; actor threads may build environments at once.
    private static readonly Lock LoadLock = new();

    private readonly MuJoCoLibrary _mj;
    private nint _model;
    private nint _data;

    /// <summary>Loads an MJCF file; a model MuJoCo rejects throws with MuJoCo's own message.</summary>
    public MjSimulation(string xmlPath)
    {
        _mj = MuJoCoLibrary.Instance;
        if (!File.Exists(xmlPath)) throw new FileNotFoundException($"MuJoCo model file not found: {xmlPath}", xmlPath);
        const int errorLength = 1000;
        byte* error = stackalloc byte[errorLength];
        error[0] = 0;
        byte[] path = Encoding.UTF8.GetBytes(xmlPath + "\0");
        lock (LoadLock)
        {
            fixed (byte* p = path) _model = _mj.LoadXml(p, 0, error, errorLength);
        }
        if (_model == 0)
            throw new InvalidDataException($"MuJoCo could not load {xmlPath}: {Marshal.PtrToStringUTF8((nint)error)}");
        _data = _mj.MakeData(_model);
        if (_data == 0)
        {
            _mj.DeleteModel(_model);
            throw new OutOfMemoryException($"MuJoCo could not allocate data for {xmlPath}");
        }
        Nq = ModelInt(MjLayout.ModelNq);
        Nv = ModelInt(MjLayout.ModelNv);
        Nu = ModelInt(MjLayout.ModelNu);
        Na = ModelInt(MjLayout.ModelNa);
        Nbody = ModelInt(MjLayout.ModelNbody);
        CheckLayout(xmlPath);
    }

    ~MjSimulation() => Free();

    public int Nq { get; }
    public int Nv { get; }
    public int Nu { get; }
    public int Na { get; }
    public int Nbody { get; }

    /// <summary>The integrator's time step (mjOption.timestep), seconds.</summary>
    public double Timestep => *(double*)(_model + MjLayout.ModelOptTimestep);

    public double Time
    {
        get => *(double*)(_data + MjLayout.DataTime);
        set => *(double*)(_data + MjLayout.DataTime) = value;
    }

    /// <summary>The model's reference configuration (mjModel.qpos0), which mj_resetData puts in qpos.</summary>
    public ReadOnlySpan<double> Qpos0 => ModelArray(MjLayout.ModelQpos0, Nq);

    public ReadOnlySpan<double> BodyMass => ModelArray(MjLayout.ModelBodyMass, Nbody);

    /// <summary>Control bounds of every actuator, [nu x 2] (low, high).</summary>
    public ReadOnlySpan<double> ActuatorCtrlRange => ModelArray(MjLayout.ModelActuatorCtrlRange, 2 * Nu);

    public Span<double> Qpos => DataArray(MjLayout.DataQpos, Nq);
    public Span<double> Qvel => DataArray(MjLayout.DataQvel, Nv);
    public Span<double> Act => DataArray(MjLayout.DataAct, Na);

    /// <summary>The constraint solver's warm start; part of the state a bit-exact restore must bring back.</summary>
    public Span<double> QaccWarmstart => DataArray(MjLayout.DataQaccWarmstart, Nv);

    public Span<double> Ctrl => DataArray(MjLayout.DataCtrl, Nu);

    /// <summary>Body frame positions, [nbody x 3].</summary>
    public ReadOnlySpan<double> Xpos => DataArray(MjLayout.DataXpos, 3 * Nbody);

    /// <summary>Body centre-of-mass positions, [nbody x 3].</summary>
    public ReadOnlySpan<double> Xipos => DataArray(MjLayout.DataXipos, 3 * Nbody);

    /// <summary>Com-based body inertias, [nbody x 10].</summary>
    public ReadOnlySpan<double> Cinert => DataArray(MjLayout.DataCinert, 10 * Nbody);

    /// <summary>Com-based body velocities, [nbody x 6].</summary>
    public ReadOnlySpan<double> Cvel => DataArray(MjLayout.DataCvel, 6 * Nbody);

    public ReadOnlySpan<double> QfrcActuator => DataArray(MjLayout.DataQfrcActuator, Nv);

    /// <summary>Com-based external (contact) forces on each body, [nbody x 6]; filled by <see cref="RnePostConstraint"/>.</summary>
    public ReadOnlySpan<double> CfrcExt => DataArray(MjLayout.DataCfrcExt, 6 * Nbody);

    /// <summary>mj_resetData: qpos = qpos0, everything else zero.</summary>
    public void Reset() => _mj.ResetData(Model, Data);

    /// <summary><paramref name="count"/> calls of mj_step.</summary>
    public void Step(int count = 1)
    {
        nint model = Model, data = Data;
        for (int i = 0; i < count; i++) _mj.Step(model, data);
    }

    /// <summary>mj_forward: every position- and velocity-dependent quantity from the current state.</summary>
    public void Forward() => _mj.Forward(Model, Data);

    /// <summary>mj_rnePostConstraint: cacc, cfrc_int and cfrc_ext, which MuJoCo only computes on request.</summary>
    public void RnePostConstraint() => _mj.RnePostConstraint(Model, Data);

    /// <summary>The id of the body named <paramref name="name"/>; throws where the model has none.</summary>
    public int BodyId(string name)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(name + "\0");
        int id;
        fixed (byte* p = bytes) id = _mj.Name2Id(Model, MuJoCoLibrary.ObjectBody, p);
        return id >= 0 ? id : throw new ArgumentException($"the model has no body named '{name}'");
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private nint Model => _model != 0 ? _model : throw new ObjectDisposedException(nameof(MjSimulation));
    private nint Data => _data != 0 ? _data : throw new ObjectDisposedException(nameof(MjSimulation));

    private int ModelInt(int offset) => *(int*)(_model + offset);

    private ReadOnlySpan<double> ModelArray(int offset, int length) => new(*(double**)(Model + offset), length);

    private Span<double> DataArray(int offset, int length) => new(*(double**)(Data + offset), length);

    /// <summary>
    /// A cheap guard against a wrong layout at run time: every array pointer read must lie inside mjData's
    /// buffer, and right after mj_makeData, qpos must equal qpos0.
    /// </summary>
    private void CheckLayout(string xmlPath)
    {
        nint start = *(nint*)(_data + MjLayout.DataBuffer);
        nint end = start + *(int*)(_data + MjLayout.DataNbuffer);
        (int Offset, int Doubles)[] arrays =
        [
            (MjLayout.DataQpos, Nq), (MjLayout.DataQvel, Nv), (MjLayout.DataQaccWarmstart, Nv), (MjLayout.DataCtrl, Nu),
            (MjLayout.DataXpos, 3 * Nbody), (MjLayout.DataXipos, 3 * Nbody), (MjLayout.DataCinert, 10 * Nbody),
            (MjLayout.DataCvel, 6 * Nbody), (MjLayout.DataQfrcActuator, Nv), (MjLayout.DataCfrcExt, 6 * Nbody),
        ];
        foreach ((int offset, int doubles) in arrays)
        {
            nint pointer = *(nint*)(_data + offset);
            if (pointer < start || pointer + doubles * sizeof(double) > end)
                throw new InvalidOperationException($"MuJoCo layout check failed for {xmlPath}: the mjData field at offset {offset} does not point into mjData's buffer");
        }
        if (!Qpos.SequenceEqual(Qpos0))
            throw new InvalidOperationException($"MuJoCo layout check failed for {xmlPath}: qpos after mj_makeData differs from qpos0");
    }

    private void Free()
    {
        if (_data != 0) _mj.DeleteData(_data);
        if (_model != 0) _mj.DeleteModel(_model);
        _data = 0;
        _model = 0;
    }
}
