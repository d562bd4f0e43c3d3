using Hotline.Server;
using Hotline.Server.Operations;

var builder = HotlineApp.CreateBuilder(new WebApplicationOptions { Args = args });
builder.AddHotline();

var app = builder.Build();
app.UseHotline();

await StartupTasks.PrepareAsync(app.Services);
if (await Commands.TryRunAsync(app, args))
    return;

await app.RunAsync();

/// <summary>Entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
