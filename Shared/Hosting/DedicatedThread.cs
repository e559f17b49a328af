namespace SoftQDistributed.Shared.Hosting;

/// <summary>
/// Runs a long blocking loop (the learner's updates, an actor node's rollout) on a thread of its own, awaitable.
/// Akka.NET's dispatchers run on the .NET thread pool, so a loop that blocks a pool thread for the whole run takes a
/// thread from the actors and makes the pool inject more; an async method started with <c>LongRunning</c> does not
/// avoid that, since after its first <c>await</c> it continues on the pool. A named thread also shows in <c>top -H</c>.
/// </summary>
public static class DedicatedThread
{
    /// <summary>Starts <paramref name="loop"/> on a new background thread; the task ends as the loop does, with its exception.</summary>
    public static Task Run(string name, Action loop)
    {
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                loop();
                finished.SetResult();
            }
            catch (OperationCanceledException e)
            {
                finished.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                finished.SetException(e);
            }
        }) { IsBackground = true, Name = name };
        thread.Start();
        return finished.Task;
    }
}
