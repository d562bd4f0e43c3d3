namespace Hotline.Server.Common;

/// <summary>
/// Calls a scoped application service (<c>TicketActions</c>, <c>TicketService</c>, …) from a long-lived caller — a Blazor
/// circuit, a singleton — in a scope of its own per call: a circuit lives for hours, a DbContext should not, so each call
/// reads afresh and nothing stays tracked after it.
/// </summary>
public sealed class Scoped<TService>(IServiceScopeFactory scopes) where TService : notnull
{
    public async Task<TResult> RunAsync<TResult>(Func<TService, Task<TResult>> call)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
