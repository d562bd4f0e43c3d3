using System.Globalization;
using Hotline.Domain.Tickets;
using Hotline.Server.Desks;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Desks;

/// <summary>What the desks read (today's figures, queues) and how their forms' actions are answered, without a browser.</summary>
public sealed class DeskServicesTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private static readonly Actor Scjg = new("desk-test-scjg", "测试承办人", Roles.DepartmentHandler, "scjg");
    private static readonly Actor Leader = new("desk-test-leader", "测试领导", Roles.Leader, null);

    [Fact]
    public async Task Todays_figures_count_the_days_work_and_compare_sign_for_and_reply_with_their_deadlines()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var agent = await factory.AgentAsync();
            var dispatcher = await factory.DispatcherAsync();
            var scjg = await factory.HandlerAsync("scjg");
            var urgent = () => { var body = Api.Citizen(); body["priority"] = "Urgent"; return body; }; // signed for within 2 hours
            var onTime = (await Api.RegisterAsync(agent, urgent())).Number();
            var late = (await Api.RegisterAsync(agent, urgent())).Number();
            await Api.RegisterAsync(agent, urgent()); // never dispatched: overdue once its dispatch limit passes
            await Api.ActAsync(dispatcher, onTime, "dispatch", Api.Dispatch("scjg"));
            await Api.ActAsync(dispatcher, late, "dispatch", Api.Dispatch("scjg"));
            await Api.ActAsync(scjg, onTime, "sign-for");

            factory.Clock.Advance(TimeSpan.FromHours(3)); // 13:00, the same day
            await Api.ActAsync(scjg, late, "sign-for");
            await Api.ActAsync(scjg, onTime, "reply", Api.Reply());
            await Api.ActAsync(agent, onTime, "close");

            var figures = await factory.Services.GetRequiredService<DeskQueries>().TodayAsync(Leader, CancellationToken.None);
            Assert.Equal((3, 2, 1, 1), (figures.Registered, figures.Dispatched, figures.Replied, figures.Closed));
            Assert.Equal(1, figures.OverdueNow);
            Assert.Equal((1, 1), (figures.RepliedOnTime, figures.RepliedWithDeadline));
            Assert.Equal((1, 2), (figures.SignedForOnTime, figures.SignedForWithDeadline));
            Assert.Equal(0.5, figures.ResponseRate);

            factory.Clock.Advance(TimeSpan.FromDays(1)); // a new day starts from zero; what is overdue stays
            var tomorrow = await factory.Services.GetRequiredService<DeskQueries>().TodayAsync(Leader, CancellationToken.None);
            Assert.Equal((0, 0, 0, 0), (tomorrow.Registered, tomorrow.Dispatched, tomorrow.Replied, tomorrow.Closed));
            Assert.Null(tomorrow.OnTimeRate);
            Assert.True(tomorrow.OverdueNow >= 1);
        });
    }

    [Fact]
    public async Task Todays_satisfaction_on_the_five_level_scale_is_the_rating_summarys_in_total_and_per_department()
    {
        await HotlineFactory.RunAsync(async factory =>
        {
            var agent = await factory.AgentAsync();
            async Task RateAsync(string department, string level)
            {
                var number = await Hotline.Tests.Ratings.RatingStory.RepliedTicketAsync(factory, department: department);
                using var rated = await Api.PostAsync(agent, $"/api/tickets/{number}/rating", new JsonObject { ["level"] = level, ["resolved"] = level != "VeryDissatisfied" });
                await Api.ExpectAsync(rated, HttpStatusCode.Created);
            }
            var queries = factory.Services.GetRequiredService<DeskQueries>();
            var none = (await queries.TodayAsync(Leader, CancellationToken.None)).Satisfaction;
            Assert.Equal((0, 0, 0, null), (none.Rated, none.Satisfied, none.Unsatisfied, none.Rate));
            Assert.Empty(none.Departments);

            await RateAsync("scjg", "VerySatisfied");
            await RateAsync("scjg", "BasicallySatisfied"); // counts as satisfied on both scales
            await RateAsync("scjg", "VeryDissatisfied"); // the five-level scale's own unsatisfied level
            await RateAsync("zjj", "Satisfied");

            var today = (await queries.TodayAsync(Leader, CancellationToken.None)).Satisfaction;
            Assert.Equal((4, 3, 1, 0.75), (today.Rated, today.Satisfied, today.Unsatisfied, today.Rate));
            var scjg = Assert.Single(today.Departments, d => d.DepartmentCode == "scjg");
            Assert.Equal((3, 2, 1, 0.6667), (scjg.Rated, scjg.Satisfied, DeskSatisfaction.UnsatisfiedIn(scjg), scjg.SatisfactionRate));
            // The same numbers as the summary API the leaders may call.
            var summary = (await Api.GetAsync(await factory.ClientAsync(Roles.Leader), "/api/ratings/summary?from=2026-11-23&to=2026-11-23")).EnumerateArray().ToList();
            Assert.Equal(summary.Select(d => ((string?)d.Str("departmentCode"), d.GetProperty("rated").GetInt32(), d.GetProperty("satisfied").GetInt32())),
                today.Departments.Select(d => (d.DepartmentCode, d.Rated, d.Satisfied)));

            factory.Clock.Advance(TimeSpan.FromDays(1)); // the desk shows today: yesterday's ratings are not today's
            var tomorrow = (await queries.TodayAsync(Leader, CancellationToken.None)).Satisfaction;
            Assert.Equal((0, null), (tomorrow.Rated, tomorrow.Rate));
        }, new Dictionary<string, string?> { ["Ratings:Scale"] = "Five" });
    }

    /// <summary>Bug: rectification happened blind; the supervisor and the department did not see the 不满意 comment.</summary>
    [Fact]
    public async Task A_ticket_in_rectification_carries_the_unsatisfied_rating_to_the_supervisor_the_dispatcher_and_the_department()
    {
        var number = await Hotline.Tests.Ratings.RatingStory.RepliedTicketAsync(fixture.Factory);
        using var rated = await Api.PostAsync(await fixture.Factory.AgentAsync(), $"/api/tickets/{number}/rating", new JsonObject
        {
            ["level"] = "Dissatisfied", ["resolved"] = false, ["comment"] = "过期牛奶还在货架上", ["channel"] = "Phone",
        });
        await Api.ExpectAsync(rated, HttpStatusCode.Created);
        var queries = fixture.Factory.Services.GetRequiredService<DeskQueries>();
        var supervisor = new Actor("desk-test-supervisor", "测试督办员", Roles.Supervisor, null);
        var expected = new DeskRating(RatingLevel.Dissatisfied, false, "过期牛奶还在货架上", 0);

        Assert.Equal(expected, (await queries.ReopenedAsync(supervisor, CancellationToken.None)).Single(r => r.Ticket.Number == number).Ticket.Rating);
        Assert.Equal(expected, (await queries.DispatchQueueAsync(supervisor, CancellationToken.None)).Single(r => r.Ticket.Number == number).Ticket.Rating);

        await Api.ActAsync(await fixture.Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        Assert.Equal(expected, (await queries.InboxAsync(Scjg, CancellationToken.None)).Single(r => r.Ticket.Number == number).Ticket.Rating);
    }

    /// <summary>
    /// MudTable keys each row by its item (<c>@key="item"</c>): a desk's row must equal its predecessor when nothing about
    /// its ticket changed, or every live reload replaces every row's elements and a click pressed during one is lost
    /// (<see cref="Hotline.Tests.Console.DeskBrowserTests"/>, the arriving ticket). Before, the rows' lists compared by reference.
    /// </summary>
    [Fact]
    public async Task A_desk_read_again_without_a_change_gives_rows_equal_to_the_first_so_its_table_keeps_their_elements()
    {
        var agent = await fixture.Factory.AgentAsync();
        var waiting = (await Api.RegisterAsync(agent, Api.Enterprise())).Number(); // with routing proposals
        var dispatched = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(await fixture.Factory.DispatcherAsync(), dispatched, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(await fixture.Factory.ClientAsync(Roles.Supervisor), dispatched, "supervise",
            new JsonObject { ["instructions"] = "请尽快答复。", ["dueAt"] = (HotlineFactory.Start + TimeSpan.FromDays(3)).ToString("O") });
        var queries = fixture.Factory.Services.GetRequiredService<DeskQueries>();
        var dispatcher = new Actor("desk-test-dispatcher", "测试派单员", Roles.Dispatcher, null);
        var supervisor = new Actor("desk-test-supervisor", "测试督办员", Roles.Supervisor, null);

        var queue = await queries.DispatchQueueAsync(dispatcher, CancellationToken.None);
        Assert.NotEmpty(queue.Single(r => r.Ticket.Number == waiting).Proposals);
        Assert.Equal(queue, await queries.DispatchQueueAsync(dispatcher, CancellationToken.None));
        var inbox = await queries.InboxAsync(Scjg, CancellationToken.None);
        Assert.NotEmpty(inbox.Single(r => r.Ticket.Number == dispatched).OpenOrders);
        Assert.Equal(inbox, await queries.InboxAsync(Scjg, CancellationToken.None));
        var orders = await queries.OpenOrdersAsync(supervisor, CancellationToken.None);
        Assert.Contains(orders, r => r.Ticket.Number == dispatched);
        Assert.Equal(orders, await queries.OpenOrdersAsync(supervisor, CancellationToken.None));
        Assert.Equal(await queries.PendingExtensionsAsync(supervisor, CancellationToken.None), await queries.PendingExtensionsAsync(supervisor, CancellationToken.None));
        Assert.Equal(await queries.ReopenedAsync(supervisor, CancellationToken.None), await queries.ReopenedAsync(supervisor, CancellationToken.None));
    }

    [Fact]
    public async Task A_returned_ticket_in_the_dispatch_queue_says_who_returned_it_and_why_with_the_routing_proposal()
    {
        var number = (await Api.RegisterAsync(await fixture.Factory.AgentAsync(), Api.Enterprise())).Number();
        await Api.ActAsync(await fixture.Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("zjj"));
        await Api.ActAsync(await fixture.Factory.HandlerAsync("zjj"), number, "return", Api.Return());
        var dispatcher = new Actor("desk-test-dispatcher", "测试派单员", Roles.Dispatcher, null);

        var row = (await fixture.Factory.Services.GetRequiredService<DeskQueries>().DispatchQueueAsync(dispatcher, CancellationToken.None))
            .Single(r => r.Ticket.Number == number);

        Assert.Equal(TicketStatus.Returned, row.Ticket.Status);
        Assert.Equal(("zjj", ReturnReason.NotOurResponsibility), (row.Returned!.DepartmentCode, row.Returned.Reason));
        Assert.Equal("scjg", row.Proposals[0].DepartmentCode);
        Assert.Equal("enterprise-startup-desk", row.Proposals[0].RuleCode);
        Assert.Contains("dispatch", row.Ticket.AllowedActions);
    }

    [Fact]
    public async Task A_handlers_inbox_holds_only_their_departments_tickets_with_the_running_clocks()
    {
        var agent = await fixture.Factory.AgentAsync();
        var dispatcher = await fixture.Factory.DispatcherAsync();
        var ours = (await Api.RegisterAsync(agent)).Number();
        var theirs = (await Api.RegisterAsync(agent)).Number();
        await Api.ActAsync(dispatcher, ours, "dispatch", Api.Dispatch("scjg"));
        await Api.ActAsync(dispatcher, theirs, "dispatch", Api.Dispatch("zjj"));

        var inbox = await fixture.Factory.Services.GetRequiredService<DeskQueries>().InboxAsync(Scjg, CancellationToken.None);

        var row = Assert.Single(inbox, r => r.Ticket.Number == ours);
        Assert.DoesNotContain(inbox, r => r.Ticket.Number == theirs);
        Assert.True(row.IsMain);
        Assert.NotNull(row.SignFor);
        Assert.NotNull(row.Handling);
        Assert.Contains("sign-for", row.Ticket.AllowedActions);
    }

    [Fact]
    public async Task A_form_on_a_stale_version_is_refused_with_the_current_version_and_a_missing_field_is_named()
    {
        var number = (await Api.RegisterAsync(await fixture.Factory.AgentAsync())).Number();
        await Api.ActAsync(await fixture.Factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
        var actions = fixture.Factory.Services.GetRequiredService<Hotline.Server.Tickets.ConsoleActions>();
        CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");

        var stale = await actions.ActAsync(number, new SignedFor(null), expectedVersion: 1, Scjg, CancellationToken.None);
        Assert.Equal((409, 2), (stale.Problem!.Status, stale.Problem.CurrentVersion));
        Assert.Contains("当前版本为 2", stale.Problem.Detail, StringComparison.Ordinal);

        var signed = await actions.ActAsync(number, new SignedFor(null), expectedVersion: 2, Scjg, CancellationToken.None);
        Assert.True(signed.Succeeded);
        Assert.Equal(3, signed.Ticket!.Version);

        var incomplete = await actions.ActAsync(number, new Replied(ReplyResult.Explained, "", null), expectedVersion: 3, Scjg, CancellationToken.None);
        Assert.Equal(400, incomplete.Problem!.Status);
        Assert.Equal("必填项。", incomplete.Problem.For("resolution"));
        Assert.Equal("必填项。", incomplete.Problem.For("legalBasis"));
        var ticket = await Api.GetAsync(await fixture.Factory.AgentAsync(), $"/api/tickets/{number}");
        Assert.Equal(("SignedFor", 3), (ticket.Str("status"), ticket.GetProperty("version").GetInt32())); // nothing written by the refusals
    }
}
