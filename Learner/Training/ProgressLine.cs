namespace SoftQDistributed.Learner.Training;

/// <summary>
/// <c>train</c>'s progress line, due every twentieth of the budget in env steps whatever the environment and its
/// epoch length: steps, updates per second of update time since the previous line, the latest epoch's evaluation
/// return, the running epoch's Q loss (the last epoch's before the running one's first update) and the run's seconds.
/// A figure that has no value yet (no epoch evaluated, no update made) is left out rather than shown as NaN.
/// </summary>
public sealed class ProgressLine
{
    private const int LinesPerRun = 20;
    private readonly EmbeddedTrainer _trainer;
    private readonly long _budget, _every;
    private long _next, _lastUpdates;
    private double _lastTrainSeconds, _return = double.NaN, _qLoss = double.NaN;

    /// <summary>Lines fall at multiples of the interval, also for a resumed run.</summary>
    public ProgressLine(EmbeddedTrainer trainer, long budget)
    {
        (_trainer, _budget) = (trainer, budget);
        _every = Math.Max(1, budget / LinesPerRun);
        _next = (trainer.EnvSteps / _every + 1) * _every;
        (_lastUpdates, _lastTrainSeconds) = (trainer.Update.Updates, trainer.TrainSeconds);
    }

    /// <summary>Keeps the epoch's evaluation return and Q loss for the lines that follow.</summary>
    public void Epoch(EpochMetrics epoch)
    {
        if (!double.IsNaN(epoch.ReturnAverage)) _return = epoch.ReturnAverage;
        if (!double.IsNaN(epoch.QLoss)) _qLoss = epoch.QLoss;
    }

    /// <summary>The line when one is due (and at the end of the budget), else null.</summary>
    public string? Next()
    {
        long steps = _trainer.EnvSteps;
        if (steps < _next && steps < _budget) return null;
        while (_next <= steps) _next += _every;
        long updates = _trainer.Update.Updates;
        double trainSeconds = _trainer.TrainSeconds;
        var line = new List<string> { $"steps {steps}/{_budget}" };
        if (trainSeconds > _lastTrainSeconds) line.Add($"{(updates - _lastUpdates) / (trainSeconds - _lastTrainSeconds):F0} updates/s");
        if (!double.IsNaN(_return)) line.Add($"return {_return:F1}");
        double qLoss = double.IsNaN(_trainer.EpochStatistics.QLoss) ? _qLoss : _trainer.EpochStatistics.QLoss;
        if (!double.IsNaN(qLoss)) line.Add($"Q loss {qLoss:G3}");
        line.Add($"{_trainer.WallSeconds:F0} s");
        (_lastUpdates, _lastTrainSeconds) = (updates, trainSeconds);
        return string.Join(" | ", line);
    }
}
