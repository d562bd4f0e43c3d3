using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Hotline.Tests.Console;

/// <summary>A server that keeps no disconnected circuit, so every dropped connection loses its circuit.</summary>
public sealed class CircuitLosingKestrelFixture() : HotlineFixture(new HotlineFactory(kestrel: true)
{
    TestServices = services => services.Configure<CircuitOptions>(o => o.DisconnectedCircuitMaxRetained = 0),
})
{
    public Uri BaseAddress => Factory.ClientOptions.BaseAddress;
}

/// <summary>
/// When the server has dropped the circuit, Blazor's reconnect is refused; .NET 10 then starts a new circuit in the same
/// page (reloading it if that fails), so the desk's components are created again and read everything afresh.
/// </summary>
public sealed class DeskLostCircuitTests(CircuitLosingKestrelFixture fixture)
    : DeskBrowserTestBase(fixture.Factory, fixture.BaseAddress), IClassFixture<CircuitLosingKestrelFixture>
{
    [BrowserFact]
    public async Task A_handler_whose_circuit_was_lost_gets_a_fresh_page_with_the_change()
    {
        var number = await DispatchedToAsync("scjg");
        var (page, connection) = await SignInDroppableAsync("lost.scjg", Roles.DepartmentHandler, "scjg");
        await Assertions.Expect(page.GetByTestId($"sign-for-{number}")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => document.querySelector('[data-testid=inbox]').dataset.marker = 'old render'");

        await connection.DropAsync();
        await Api.ActAsync(await Factory.HandlerAsync("scjg"), number, "sign-for");
        await Task.Delay(1_000);
        await connection.RestoreAsync();

        await Assertions.Expect(page.GetByTestId($"reply-{number}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId($"sign-for-{number}")).ToHaveCountAsync(0);
        // The old circuit's components are gone: Blazor started a new circuit in the page (or reloaded it), which read afresh.
        Assert.Null(await page.EvaluateAsync<string?>("() => document.querySelector('[data-testid=inbox]').dataset.marker ?? null"));
    }
}
