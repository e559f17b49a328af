namespace SoftQDistributed.Learner.Cluster;

/// <summary>
/// The supervised children of a <see cref="ClusterPlan"/>, all started at once and waited ready; cluster.json is
/// rewritten on every (re)start. Disposing kills whatever is still running, so an exception in launch leaves no
/// orphan behind.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly ClusterPlan _plan;
    private readonly TextWriter _log;
    private readonly LaunchSettings _settings;
    private readonly List<SupervisedChild> _children = [];

    public LocalCluster(ClusterPlan plan, LaunchSettings settings, TextWriter log)
    {
        _plan = plan;
        _settings = settings;
        _log = log;
        Directory.CreateDirectory(plan.LogDirectory);
        Directory.CreateDirectory(plan.ReplayDirectory);
        Directory.CreateDirectory(plan.LearnerDirectory);
        foreach (ChildSpec spec in plan.All)
        {
            var child = new SupervisedChild(spec, plan.LogDirectory, log, TimeSpan.FromSeconds(settings.ReadyTimeout));
            child.Started += _ => WriteDescription();
            _children.Add(child);
        }
    }

    public string DescriptionPath => Path.Combine(_plan.Directory, "cluster.json");

    public IReadOnlyList<SupervisedChild> Children => _children;

    public IEnumerable<SupervisedChild> Shards => _children.Where(c => c.Spec.Role == "shard");

    public SupervisedChild Learner => _children.Single(c => c.Spec.Role == "learner");

    public IEnumerable<SupervisedChild> Actors => _children.Where(c => c.Spec.Role == "actor");

    public int Restarts => _children.Sum(c => c.Restarts);

    /// <summary>Reads every running child's CPU time (see <see cref="SupervisedChild.CpuTime"/>).</summary>
    public void SampleCpu()
    {
        foreach (SupervisedChild child in _children) child.SampleCpu();
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        WriteDescription();
        // All at once: a member that starts before the seeds asks them again every few gossip rounds, so nothing
        // waits for an order, and the processes' start-up (mostly JIT) overlaps instead of adding up.
        await Task.WhenAll(StartGroupAsync(Shards, cancellationToken), StartGroupAsync([Learner], cancellationToken),
            StartGroupAsync(Actors, cancellationToken));
    }

    /// <summary>SIGTERM to every child of the group at once, then a bounded wait (kill -9 after it).</summary>
    public Task StopAsync(IEnumerable<SupervisedChild> group) =>
        Task.WhenAll(group.Select(c => c.StopAsync(TimeSpan.FromSeconds(_settings.StopTimeout))));

    /// <summary>
    /// Actors first (they flush into the shards and report to the learner), then the learner and the shards together:
    /// the learner's checkpoint needs no shard, and each shard writes its own snapshot.
    /// </summary>
    public async Task StopAllAsync()
    {
        await StopAsync(Actors);
        await StopAsync([Learner, .. Shards]);
    }

    /// <summary>kill -9 of every child still running, without waiting (for a launch that is dying).</summary>
    public void KillAll()
    {
        foreach (SupervisedChild child in _children) child.Kill();
    }

    /// <summary>Starts a group of children in parallel and waits until every one is ready.</summary>
    public async Task StartGroupAsync(IEnumerable<SupervisedChild> group, CancellationToken cancellationToken)
    {
        SupervisedChild[] children = [.. group];
        await Task.WhenAll(children.Select(c => c.StartAsync(cancellationToken)));
        // The addresses as cluster.json holds them, so a URL from the log and one from the file are the same text.
        foreach ((SupervisedChild child, ClusterMember member) in children.Zip(ClusterDescription.Describe(children)))
            _log.WriteLine($"started {child.Spec.Name} (pid {member.Pid}): {member.Addresses()}");
    }

    private void WriteDescription()
    {
        try
        {
            ClusterDescription.Write(DescriptionPath, _children);
        }
        catch (IOException e)
        {
            _log.WriteLine($"warning: could not write {DescriptionPath}: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        KillAll();
        foreach (SupervisedChild child in _children) await child.DisposeAsync();
    }
}
