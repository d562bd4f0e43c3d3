using Hotline.Domain.Access;
using Hotline.Domain.Tickets;
using S = Hotline.Domain.Tickets.TicketStatus;

namespace Hotline.Domain.Tests;

public class TicketWorkflowTests
{
    /// <summary>
    /// The expected state machine, written out independently of <see cref="TicketWorkflow.Transitions"/>: who may take
    /// each action, from which states, to which state (null: the state stays), and for department handlers which part
    /// of the ticket they must be on: <c>Main</c> (主办, the assigned department), <c>Co</c> (协办, a co-handling
    /// department) or <c>Any</c> (either). A handler on neither never acts on the ticket.
    /// </summary>
    private static readonly Dictionary<TicketAction, (string[] Roles, TicketStatus[] From, TicketStatus? To, DepartmentScope Part)> Expected = new()
    {
        // 登记 / 一次办结: the call centre.
        [TicketAction.Register] = ([Roles.Agent, Roles.Dispatcher, Roles.Admin, Roles.Requester], [], S.Registered, Any),
        [TicketAction.ResolveAtIntake] = ([Roles.Agent, Roles.Dispatcher, Roles.Admin], [S.Registered], S.ResolvedAtIntake, Any),
        // 派单: from the dispatch queue; supervisors too, since only they may send a ticket back to a department that returned it.
        [TicketAction.Dispatch] = ([Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.Registered, S.Returned, S.Reopened], S.Dispatched, Any),
        // The main department's own work.
        [TicketAction.SignFor] = ([Roles.DepartmentHandler], [S.Dispatched], S.SignedFor, Main),
        [TicketAction.Return] = ([Roles.DepartmentHandler], [S.Dispatched, S.SignedFor], S.Returned, Main),
        [TicketAction.Reply] = ([Roles.DepartmentHandler], [S.SignedFor], S.Replied, Main),
        [TicketAction.RequestExtension] = ([Roles.DepartmentHandler], [S.SignedFor], null, Main),
        [TicketAction.AnswerSupervision] = ([Roles.DepartmentHandler], [S.Dispatched, S.SignedFor], null, Main),
        // Either department on the ticket while it is with them; only a co-handler contributes (协办意见).
        [TicketAction.AddProgress] = ([Roles.DepartmentHandler], [S.Dispatched, S.SignedFor], null, Any),
        [TicketAction.Contribute] = ([Roles.DepartmentHandler], [S.Dispatched, S.SignedFor], null, Co),
        // The centre decides extensions (延期审批) while the department still holds the ticket.
        [TicketAction.DecideExtension] = ([Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.SignedFor], null, Any),
        // 回访归档 / 重办.
        [TicketAction.Close] = ([Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.Replied, S.ResolvedAtIntake], S.Closed, Any),
        [TicketAction.Reopen] = ([Roles.Supervisor, Roles.Admin], [S.Replied, S.Closed, S.ResolvedAtIntake], S.Reopened, Any),
        // 督办 and 领导督办: while unfinished, with a department or waiting for one.
        // Also on a reopened ticket: the rectification order (整改督办) after an unsatisfied rating goes with it to the next department.
        [TicketAction.Supervise] = ([Roles.Supervisor, Roles.Admin], [S.Dispatched, S.SignedFor, S.Reopened], null, Any),
        [TicketAction.EscalateToLeader] = ([Roles.Supervisor, Roles.Admin], [S.Dispatched, S.SignedFor, S.Returned, S.Reopened], null, Any),
        [TicketAction.LeaderInstruct] = ([Roles.Leader], [S.Dispatched, S.SignedFor, S.Returned, S.Reopened], null, Any),
        // 重复件: only before a department has it; the system answers it with its master.
        [TicketAction.MarkDuplicate] = ([Roles.Agent, Roles.Dispatcher, Roles.Admin], [S.Registered, S.Returned, S.Reopened], S.Merged, Any),
        [TicketAction.AnswerWithMaster] = ([Roles.Admin], [S.Merged], S.Replied, Any),
        // 补充材料: the main department waits for the requester; the agent who takes the requester's call may record the answer.
        [TicketAction.AwaitRequester] = ([Roles.DepartmentHandler], [S.SignedFor], null, Main),
        [TicketAction.RequesterResponded] = ([Roles.Agent, Roles.DepartmentHandler], [S.SignedFor], null, Main),
        // 预警 / 超时: the system's own record, on any ticket not yet filed.
        [TicketAction.SlaWarn] = ([Roles.Admin], [S.Registered, S.ResolvedAtIntake, S.Dispatched, S.SignedFor, S.Returned, S.Replied, S.Reopened, S.Merged], null, Any),
        [TicketAction.SlaBreach] = ([Roles.Admin], [S.Registered, S.ResolvedAtIntake, S.Dispatched, S.SignedFor, S.Returned, S.Replied, S.Reopened, S.Merged], null, Any),
        // Files in every state but closed, by everyone but leaders.
        [TicketAction.AttachFile] = (
            [Roles.Agent, Roles.Dispatcher, Roles.DepartmentHandler, Roles.Supervisor, Roles.Admin],
            [S.Registered, S.ResolvedAtIntake, S.Dispatched, S.SignedFor, S.Returned, S.Replied, S.Reopened, S.Merged], null, Any),
        // 好差评: once answered, by the requester (link) or staff recording it (phone, API); the state stays.
        [TicketAction.Rate] = ([Roles.Requester, Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.Replied, S.Closed, S.ResolvedAtIntake], null, Any),
        // 申诉: the rated (main) department, through the rectification that follows; the centre decides.
        [TicketAction.AppealRating] = ([Roles.DepartmentHandler], [S.Replied, S.Closed, S.Reopened, S.Dispatched, S.SignedFor, S.Returned], null, Main),
        [TicketAction.DecideAppeal] = ([Roles.Supervisor, Roles.Admin], [S.Replied, S.Closed, S.Reopened, S.Dispatched, S.SignedFor, S.Returned], null, Any),
        // 诉求人补充: the requester's own words, whatever the state; nothing is lost.
        [TicketAction.RequesterMessage] = ([Roles.Requester], Enum.GetValues<TicketStatus>(), null, Any),
        // 回访: the centre's call back after an answer.
        [TicketAction.RecordRevisit] = ([Roles.Agent, Roles.Supervisor, Roles.Admin], [S.Replied, S.Closed, S.ResolvedAtIntake], null, Any),
        [TicketAction.Withdraw] = ([Roles.Agent, Roles.Dispatcher, Roles.Supervisor, Roles.Admin], [S.Registered, S.Dispatched, S.SignedFor, S.Returned, S.Reopened], S.Closed, Any),
    };

    private const DepartmentScope Any = DepartmentScope.Involved;
    private const DepartmentScope Main = DepartmentScope.Assigned;
    private const DepartmentScope Co = DepartmentScope.CoHandling;

    private static readonly Actor[] Everyone =
        [Given.Agent, Given.Dispatcher, Given.MarketHandler, Given.HousingHandler, Given.Supervisor, Given.Leader, Given.Admin, Given.Requester];

    /// <summary>Which departments are on the ticket: none; market regulation alone; market regulation with housing co-handling.</summary>
    private static readonly Dictionary<string, (string? Main, string[] Co)> Viewpoints = new()
    {
        ["none"] = (null, []),
        ["market"] = (Given.MarketRegulation, []),
        ["market+housing"] = (Given.MarketRegulation, [Given.HousingBureau]),
    };

    private static TransitionVerdict ExpectedVerdict(TicketAction action, TicketStatus status, string viewpoint, Actor actor)
    {
        var (roles, from, _, part) = Expected[action];
        var (main, co) = Viewpoints[viewpoint];
        if (!roles.Contains(actor.Role))
            return TransitionVerdict.RoleNotAllowed;
        if (actor.Role == Roles.DepartmentHandler)
        {
            var isMain = main is not null && main == actor.DepartmentCode;
            var isCo = co.Contains(actor.DepartmentCode);
            var onTicket = part switch { Main => isMain, Co => isCo, _ => isMain || isCo };
            if (!onTicket)
                return TransitionVerdict.RoleNotAllowed;
        }
        return from.Contains(status) ? TransitionVerdict.Allowed : TransitionVerdict.NotAllowedInStatus;
    }

    private static TransitionVerdict Check(TicketAction action, TicketStatus status, string viewpoint, Actor actor) =>
        TicketWorkflow.Check(action, status, Viewpoints[viewpoint].Main, actor, Viewpoints[viewpoint].Co);

    public static TheoryData<TicketAction, TicketStatus, string, string, TransitionVerdict> EveryCombination()
    {
        var data = new TheoryData<TicketAction, TicketStatus, string, string, TransitionVerdict>();
        foreach (var action in Enum.GetValues<TicketAction>())
            foreach (var status in Enum.GetValues<TicketStatus>())
                foreach (var viewpoint in Viewpoints.Keys)
                    foreach (var actor in Everyone)
                        data.Add(action, status, viewpoint, actor.Id, ExpectedVerdict(action, status, viewpoint, actor));
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Check_follows_the_expected_table_for_every_action_state_and_actor(
        TicketAction action, TicketStatus status, string viewpoint, string actorId, TransitionVerdict expected)
    {
        var actor = Everyone.Single(a => a.Id == actorId);

        Assert.Equal(expected, Check(action, status, viewpoint, actor));
    }

    [Fact]
    public void Each_action_leads_to_the_expected_state() =>
        Assert.All(Enum.GetValues<TicketAction>(), action =>
            Assert.Equal((action, Expected[action].To), (action, TicketWorkflow.For(action).To)));

    [Fact]
    public void Without_a_co_handling_list_a_handler_is_judged_by_the_main_department_alone()
    {
        Assert.Equal(TransitionVerdict.Allowed, TicketWorkflow.Check(TicketAction.AddProgress, S.SignedFor, Given.MarketRegulation, Given.MarketHandler));
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.AddProgress, S.SignedFor, Given.MarketRegulation, Given.HousingHandler));
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.Contribute, S.SignedFor, Given.MarketRegulation, Given.HousingHandler));
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
    public void Leader_only_gives_instructions() =>
        Assert.All(Enum.GetValues<TicketAction>().Where(a => a != TicketAction.LeaderInstruct), action =>
            Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(action, S.SignedFor, Given.MarketRegulation, Given.Leader)));

    [Theory]
    [InlineData(S.Dispatched, TransitionVerdict.Allowed)]
    [InlineData(S.SignedFor, TransitionVerdict.Allowed)]
    [InlineData(S.Returned, TransitionVerdict.Allowed)]
    [InlineData(S.Reopened, TransitionVerdict.Allowed)]
    [InlineData(S.Registered, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Replied, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Closed, TransitionVerdict.NotAllowedInStatus)]
    [InlineData(S.Merged, TransitionVerdict.NotAllowedInStatus)]
    public void Leader_instructs_only_unfinished_tickets(TicketStatus status, TransitionVerdict expected) =>
        Assert.Equal(expected, TicketWorkflow.Check(TicketAction.LeaderInstruct, status, Given.MarketRegulation, Given.Leader));

    [Theory]
    [InlineData(TicketAction.Contribute)]
    [InlineData(TicketAction.AddProgress)]
    [InlineData(TicketAction.AttachFile)]
    public void Co_handling_department_may_add_its_part(TicketAction action) =>
        Assert.Equal(TransitionVerdict.Allowed,
            TicketWorkflow.Check(action, S.SignedFor, Given.MarketRegulation, Given.HousingHandler, [Given.HousingBureau]));

    [Theory]
    [InlineData(TicketAction.SignFor, S.Dispatched)]
    [InlineData(TicketAction.Return, S.SignedFor)]
    [InlineData(TicketAction.Reply, S.SignedFor)]
    [InlineData(TicketAction.RequestExtension, S.SignedFor)]
    [InlineData(TicketAction.AnswerSupervision, S.SignedFor)]
    public void Co_handling_department_cannot_do_the_main_departments_work(TicketAction action, TicketStatus status) =>
        Assert.Equal(TransitionVerdict.RoleNotAllowed,
            TicketWorkflow.Check(action, status, Given.MarketRegulation, Given.HousingHandler, [Given.HousingBureau]));

    [Fact]
    public void Main_department_does_not_contribute_to_its_own_ticket() =>
        Assert.Equal(TransitionVerdict.RoleNotAllowed,
            TicketWorkflow.Check(TicketAction.Contribute, S.SignedFor, Given.MarketRegulation, Given.MarketHandler, [Given.HousingBureau]));

    [Fact]
    public void Nobody_but_the_system_answers_a_duplicate_and_it_is_never_offered_as_a_button()
    {
        Assert.True(TicketWorkflow.IsSystemOnly(TicketAction.AnswerWithMaster));
        Assert.Equal(TransitionVerdict.Allowed, TicketWorkflow.Check(TicketAction.AnswerWithMaster, S.Merged, null, Actor.System));
        Assert.DoesNotContain("answer-with-master", TicketWorkflow.AllowedActions(S.Merged, null, Given.Admin));
    }

    [Fact]
    public void A_duplicate_only_takes_files_until_the_system_answers_it() =>
        Assert.All(Everyone.Where(a => a.Role != Roles.Requester), actor =>
            Assert.All(TicketWorkflow.AllowedActions(S.Merged, null, actor), route => Assert.Equal("attach-file", route)));

    [Fact]
    public void Registration_is_never_an_action_on_an_existing_ticket_but_the_role_check_still_answers()
    {
        Assert.Equal(TransitionVerdict.NotAllowedInStatus, TicketWorkflow.Check(TicketAction.Register, S.Registered, null, Given.Agent));
        Assert.Equal(TransitionVerdict.RoleNotAllowed, TicketWorkflow.Check(TicketAction.Register, S.Registered, null, Given.Supervisor));
    }

    public static TheoryData<TicketStatus, string, string> EveryViewpoint()
    {
        var data = new TheoryData<TicketStatus, string, string>();
        foreach (var status in Enum.GetValues<TicketStatus>())
            foreach (var viewpoint in Viewpoints.Keys)
                foreach (var actor in Everyone)
                    data.Add(status, viewpoint, actor.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryViewpoint))]
    public void Allowed_actions_list_exactly_the_route_names_the_actor_may_take_now(TicketStatus status, string viewpoint, string actorId)
    {
        var actor = Everyone.Single(a => a.Id == actorId);
        var systemOnly = new[] { TicketAction.Register, TicketAction.AnswerWithMaster, TicketAction.SlaWarn, TicketAction.SlaBreach };
        var expected = Expected.Keys
            .Where(a => !systemOnly.Contains(a) && ExpectedVerdict(a, status, viewpoint, actor) == TransitionVerdict.Allowed)
            .Select(a => TicketWorkflow.For(a).RouteName)
            .Order();
        var (main, co) = Viewpoints[viewpoint];

        Assert.Equal(expected, TicketWorkflow.AllowedActions(status, main, actor, co).Order());
    }

    [Fact]
    public void Allowed_actions_for_the_main_handler_of_a_signed_for_ticket() =>
        Assert.Equal(
            ["return", "add-progress", "request-extension", "reply", "answer-supervision", "await-requester", "requester-responded", "appeal-rating", "attach-file"],
            TicketWorkflow.AllowedActions(S.SignedFor, Given.MarketRegulation, Given.MarketHandler, [Given.HousingBureau]));

    [Fact]
    public void Allowed_actions_for_the_co_handler_of_a_signed_for_ticket() =>
        Assert.Equal(
            ["add-progress", "contribute", "attach-file"],
            TicketWorkflow.AllowedActions(S.SignedFor, Given.MarketRegulation, Given.HousingHandler, [Given.HousingBureau]));

    [Fact]
    public void Allowed_actions_for_a_supervisor_of_a_signed_for_ticket() =>
        Assert.Equal(
            // decide-appeal is offered by state; whether an appeal waits is the guard's answer (409 NoPendingAppeal).
            ["decide-extension", "supervise", "escalate-to-leader", "decide-appeal", "withdraw", "attach-file"],
            TicketWorkflow.AllowedActions(S.SignedFor, Given.MarketRegulation, Given.Supervisor));

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
            [TicketAction.SignFor, TicketAction.Return, TicketAction.RequestExtension, TicketAction.Reply, TicketAction.AnswerSupervision,
                TicketAction.AwaitRequester, TicketAction.RequesterResponded, TicketAction.AppealRating],
            TicketWorkflow.Transitions.Where(t => t.Scope == DepartmentScope.Assigned).Select(t => t.Action));

    [Fact]
    public void Exactly_the_notes_orders_and_files_keep_the_state() =>
        Assert.Equal(
            new[]
            {
                TicketAction.AttachFile, TicketAction.AddProgress, TicketAction.Contribute, TicketAction.RequestExtension,
                TicketAction.DecideExtension, TicketAction.Supervise, TicketAction.AnswerSupervision,
                TicketAction.EscalateToLeader, TicketAction.LeaderInstruct, TicketAction.AwaitRequester, TicketAction.RequesterResponded,
                TicketAction.SlaWarn, TicketAction.SlaBreach,
                TicketAction.Rate, TicketAction.AppealRating, TicketAction.DecideAppeal, TicketAction.RequesterMessage, TicketAction.RecordRevisit,
            }.Order(),
            TicketWorkflow.Transitions.Where(t => t.To is null).Select(t => t.Action).Order());

    [Fact]
    public void Only_co_handling_contributions_are_restricted_to_co_handlers() =>
        Assert.Equal([TicketAction.Contribute],
            TicketWorkflow.Transitions.Where(t => t.Scope == DepartmentScope.CoHandling).Select(t => t.Action));

    [Fact]
    public void Only_registration_answering_with_the_master_and_the_sla_records_are_system_only() =>
        Assert.Equal([TicketAction.Register, TicketAction.AnswerWithMaster, TicketAction.SlaWarn, TicketAction.SlaBreach],
            Enum.GetValues<TicketAction>().Where(TicketWorkflow.IsSystemOnly));

    [Fact]
    public void No_action_leaves_a_closed_ticket_but_reopening() =>
        Assert.Equal([TicketAction.Reopen],
            TicketWorkflow.Transitions.Where(t => t.From.Contains(S.Closed) && t.To is not null).Select(t => t.Action));

    [Fact]
    public void On_a_closed_ticket_only_ratings_appeals_revisits_and_the_requesters_messages_are_recorded() =>
        Assert.Equal(
            new[] { TicketAction.Rate, TicketAction.AppealRating, TicketAction.DecideAppeal, TicketAction.RequesterMessage, TicketAction.RecordRevisit }.Order(),
            TicketWorkflow.Transitions.Where(t => t.From.Contains(S.Closed) && t.To is null).Select(t => t.Action).Order());

    [Fact]
    public void Every_state_but_registration_is_reached_by_some_action() =>
        Assert.All(Enum.GetValues<TicketStatus>(), status =>
            Assert.Contains(TicketWorkflow.Transitions, t => t.To == status));

    [Fact]
    public void Every_role_named_in_the_table_is_a_known_role_or_the_requester() =>
        Assert.All(TicketWorkflow.Transitions.SelectMany(t => t.Roles), role => Assert.True(Roles.IsKnown(role) || role == Roles.Requester, role));

    [Fact]
    public void The_requester_is_no_sign_in_role_and_acts_only_to_register_online_rate_and_add_information()
    {
        Assert.False(Roles.IsKnown(Roles.Requester));
        Assert.Equal([TicketAction.Register, TicketAction.Rate, TicketAction.RequesterMessage],
            TicketWorkflow.Transitions.Where(t => t.Roles.Contains(Roles.Requester)).Select(t => t.Action));
    }
}
