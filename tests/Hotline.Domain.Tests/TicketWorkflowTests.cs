using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using S = Hotline.Domain.Tickets.TicketStatus;

namespace Hotline.Domain.Tests;

public class TicketWorkflowTests
{
    /// <summary>
    /// The expected state machine, written out independently of <see cref="TicketWorkflow.Transitions"/>:
    /// who may take each action, and from which states. On top of it one rule: a department handler acts only on
    /// tickets assigned to their own department, whatever the action.
    /// </summary>
    private static readonly Dictionary<TicketAction, (string[] Roles, TicketStatus[] From)> Expected = new()
    {
        [TicketAction.Register] = ([Roles.Agent, Roles.Dispatcher, Roles.Admin], []),
        [TicketAction.ResolveAtIntake] = ([Roles.Agent, Roles.Dispatcher, Roles.Admin], [S.Registered]),
        [TicketAction.Dispatch] = ([Roles.Dispatcher, Roles.Admin], [S.Registered, S.Returned, S.Reopened]),
        [TicketAction.SignFor] = ([Roles.DepartmentHandler], [S.Dispatched]),
        [TicketAction.Return] = ([Roles.DepartmentHandler], [S.Dispatched, S.SignedFor]),
        [TicketAction.Reply] = ([Roles.DepartmentHandler], [S.SignedFor]),
        [TicketAction.Close] = ([Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.Replied, S.ResolvedAtIntake]),
        [TicketAction.Reopen] = ([Roles.Supervisor, Roles.Admin], [S.Replied, S.Closed, S.ResolvedAtIntake]),
        [TicketAction.AttachFile] = (
            [Roles.Agent, Roles.Dispatcher, Roles.DepartmentHandler, Roles.Supervisor, Roles.Admin],
            [S.Registered, S.ResolvedAtIntake, S.Dispatched, S.SignedFor, S.Returned, S.Replied, S.Reopened]),
    };

    private static readonly Actor[] Everyone =
        [Given.Agent, Given.Dispatcher, Given.MarketHandler, Given.HousingHandler, Given.Supervisor, Given.Leader, Given.Admin];

    private static readonly string?[] Assignments = [null, Given.MarketRegulation];

    private static TransitionVerdict ExpectedVerdict(TicketAction action, TicketStatus status, string? assigned, Actor actor)
    {
        var (roles, from) = Expected[action];
        if (!roles.Contains(actor.Role))
            return TransitionVerdict.RoleNotAllowed;
        if (actor.Role == Roles.DepartmentHandler && assigned != actor.DepartmentCode)
            return TransitionVerdict.RoleNotAllowed;
        return from.Contains(status) ? TransitionVerdict.Allowed : TransitionVerdict.NotAllowedInStatus;
    }

    public static TheoryData<TicketAction, TicketStatus, string?, string, TransitionVerdict> EveryCombination()
    {
        var data = new TheoryData<TicketAction, TicketStatus, string?, string, TransitionVerdict>();
        foreach (var action in Enum.GetValues<TicketAction>())
            foreach (var status in Enum.GetValues<TicketStatus>())
                foreach (var assigned in Assignments)
                    foreach (var actor in Everyone)
                        data.Add(action, status, assigned, actor.Id, ExpectedVerdict(action, status, assigned, actor));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Check_follows_the_expected_table_for_every_action_state_and_actor(
        TicketAction action, TicketStatus status, string? assigned, string actorId, TransitionVerdict expected)
    {
        var actor = Everyone.Single(a => a.Id == actorId);

        Assert.Equal(expected, TicketWorkflow.Check(action, status, assigned, actor));
    }

    [Fact]
    public void The_expected_table_covers_every_action() =>
        Assert.Equal(Enum.GetValues<TicketAction>().Order(), Expected.Keys.Order());

    [Theory]
    [InlineData(TicketAction.SignFor, S.Dispatched)]
    [InlineData(TicketAction.Return, S.Dispatched)]
    [InlineData(TicketAction.Return, S.SignedFor)]
    [InlineData(TicketAction.Reply, S.SignedFor)]
    public void Handler_of_the_assigned_department_may_work_the_ticket(TicketAction action, TicketStatus status) =>
        Assert.Equal(TransitionVerdict.Allowed, TicketWorkflow.Check(action, status, Given.MarketRegulation, Given.MarketHandler));

    [Theory]
    [InlineData(TicketAction.SignFor, S.Dispatched)]
    [InlineData(TicketAction.Return, S.SignedFor)]
    [InlineData(TicketAction.Reply, S.SignedFor)]
    [InlineData(TicketAction.AttachFile, S.SignedFor)]
    public void Handler_of_another_department_cannot_work_the_ticket(TicketAction action, TicketStatus status) =>
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(action, status, Given.MarketRegulation, Given.HousingHandler));

    [Fact]
    public void Handler_cannot_sign_for_a_ticket_assigned_to_no_department() =>
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.SignFor, S.Dispatched, null, Given.MarketHandler));

    [Fact]
    public void Handler_without_a_department_cannot_act_on_unassigned_tickets()
    {
        var orphan = new Actor("h9", "无部门", Roles.DepartmentHandler, null);

        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.AttachFile, S.Registered, null, orphan));
    }

    [Theory]
    [InlineData(S.Registered)]
    [InlineData(S.Returned)]
    [InlineData(S.Reopened)]
    public void Agent_cannot_dispatch(TicketStatus status) =>
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.Dispatch, status, null, Given.Agent));

    [Theory]
    [InlineData(S.Registered, TransitionVerdict.Allowed)]
    [InlineData(S.Returned, TransitionVerdict.Allowed)]
    [InlineData(S.Reopened, TransitionVerdict.Allowed)]
    [InlineData(S.ResolvedAtIntake, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Dispatched, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.SignedFor, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Replied, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Closed, TransitionVerdict.NotAllowedInStatus)]
    public void Dispatcher_dispatches_only_from_the_dispatch_queue(TicketStatus status, TransitionVerdict expected) =>
        Assert.Equal(expected, TicketWorkflow.Check(TicketAction.Dispatch, status, null, Given.Dispatcher));

    [Theory]
    [InlineData(S.Replied, TransitionVerdict.Allowed)]
    [InlineData(S.ResolvedAtIntake, TransitionVerdict.Allowed)]
    [InlineData(S.Registered, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Dispatched, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.SignedFor, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Closed, TransitionVerdict.NotAllowedInStatus)]
    public void A_ticket_is_closed_only_after_a_reply_or_an_answer_at_intake(TicketStatus status, TransitionVerdict expected) =>
        Assert.Equal(expected, TicketWorkflow.Check(TicketAction.Close, status, null, Given.Agent));

    [Fact]
    public void Only_supervisors_and_admins_reopen()
    {
        var mayReopen = Everyone
            .Where(a => TicketWorkflow.Check(TicketAction.Reopen, S.Closed, Given.MarketRegulation, a) == TransitionVerdict.Allowed)
            .Select(a => a.Role);

        Assert.Equal([Roles.Supervisor, Roles.Admin], mayReopen);
    }

    [Fact]
    public void Files_may_be_attached_in_every_state_but_closed()
    {
        foreach (var status in Enum.GetValues<TicketStatus>())
        {
            var expected = status == S.Closed ? TransitionVerdict.NotAllowedInStatus : TransitionVerdict.Allowed;
            Assert.Equal(expected, TicketWorkflow.Check(TicketAction.AttachFile, status, null, Given.Agent));
        }
    }

    [Fact]
    public void Leader_may_only_watch() =>
        Assert.All(Enum.GetValues<TicketAction>(), action =>
            Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(action, S.Registered, null, Given.Leader)));

    [Fact]
    public void Registration_is_never_an_action_on_an_existing_ticket_but_the_role_check_still_answers()
    {
        Assert.Equal(TransitionVerdict.NotAllowedInStatus, TicketWorkflow.Check(TicketAction.Register, S.Registered, null, Given.Agent));
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.Register, S.Registered, null, Given.Supervisor));
    }

    public static TheoryData<TicketStatus, string?, string> EveryViewpoint()
    {
        var data = new TheoryData<TicketStatus, string?, string>();
        foreach (var status in Enum.GetValues<TicketStatus>())
            foreach (var assigned in Assignments)
                foreach (var actor in Everyone)
                    data.Add(status, assigned, actor.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryViewpoint))]
    public void Allowed_actions_list_exactly_the_route_names_the_actor_may_take_now(TicketStatus status, string? assigned, string actorId)
    {
        var actor = Everyone.Single(a => a.Id == actorId);
        var expected = Expected.Keys
            .Where(a => a != TicketAction.Register && ExpectedVerdict(a, status, assigned, actor) == TransitionVerdict.Allowed)
            .Select(a => TicketWorkflow.For(a).RouteName)
            .Order();

        Assert.Equal(expected, TicketWorkflow.AllowedActions(status, assigned, actor).Order());
    }

    [Fact]
    public void Allowed_actions_for_the_assigned_handler_of_a_signed_for_ticket_are_return_reply_and_attach() =>
        Assert.Equal(["return", "reply", "attach-file"], TicketWorkflow.AllowedActions(S.SignedFor, Given.MarketRegulation, Given.MarketHandler));

    [Fact]
    public void Every_action_has_exactly_one_row() =>
        Assert.All(Enum.GetValues<TicketAction>(), action =>
            Assert.Single(TicketWorkflow.Transitions, t => t.Action == action));

    [Fact]
    public void Route_names_are_unique_even_ignoring_case() =>
        Assert.Equal(TicketWorkflow.Transitions.Count,
            TicketWorkflow.Transitions.Select(t => t.RouteName).Distinct(StringComparer.OrdinalIgnoreCase).Count());

    [Fact]
    public void Route_names_are_lowercase_kebab_case() =>
        Assert.All(TicketWorkflow.Transitions, t => Assert.Matches("^[a-z]+(-[a-z]+)*$", t.RouteName));

    [Theory]
    [InlineData("dispatch", TicketAction.Dispatch)]
    [InlineData("sign-for", TicketAction.SignFor)]
    [InlineData("Resolve-At-Intake", TicketAction.ResolveAtIntake)]
    [InlineData("attach-file", TicketAction.AttachFile)]
    public void A_route_name_finds_its_transition_ignoring_case(string route, TicketAction action) =>
        Assert.Equal(action, TicketWorkflow.ForRoute(route)?.Action);

    [Fact]
    public void An_unknown_route_name_finds_nothing() =>
        Assert.Null(TicketWorkflow.ForRoute("delete"));

    [Fact]
    public void Every_ticket_change_subtype_maps_to_exactly_one_transition()
    {
        var changeTypes = typeof(TicketChange).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(TicketChange)) && !t.IsAbstract)
            .ToList();

        Assert.Equal(Enum.GetValues<TicketAction>().Length, changeTypes.Count);
        Assert.All(changeTypes, type => Assert.Single(TicketWorkflow.Transitions, t => t.ChangeType == type));
    }

    [Fact]
    public void Only_the_main_departments_own_work_is_restricted_to_the_assigned_department() =>
        Assert.Equal(
            [TicketAction.SignFor, TicketAction.Return, TicketAction.RequestExtension, TicketAction.Reply, TicketAction.AnswerSupervision],
            TicketWorkflow.Transitions.Where(t => t.Scope == DepartmentScope.Assigned).Select(t => t.Action));

    [Fact]
    public void Attaching_a_file_keeps_the_state_and_every_other_action_moves_it() =>
        Assert.All(TicketWorkflow.Transitions, t =>
            Assert.Equal(t.Action == TicketAction.AttachFile, t.To is null));

    [Fact]
    public void Every_role_named_in_the_table_is_a_known_role() =>
        Assert.All(TicketWorkflow.Transitions.SelectMany(t => t.Roles), role => Assert.True(Roles.IsKnown(role), role));
}
