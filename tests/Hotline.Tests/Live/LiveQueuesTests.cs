using Hotline.Domain.Tickets;
using Hotline.Server.Live;

namespace Hotline.Tests.Live;

/// <summary>Which event changes which work queue (the role groups told by QueueChanged), as documented in docs/api.md.</summary>
public sealed class LiveQueuesTests
{
    [Theory]
    [InlineData("register", null, TicketStatus.Registered, null, "dispatch")]
    [InlineData("dispatch", TicketStatus.Registered, TicketStatus.Dispatched, null, "dispatch,supervision")]
    [InlineData("return", TicketStatus.SignedFor, TicketStatus.Returned, "NotOurResponsibility", "dispatch,supervision")]
    [InlineData("add-progress", TicketStatus.SignedFor, TicketStatus.SignedFor, null, "")]
    [InlineData("request-extension", TicketStatus.SignedFor, TicketStatus.SignedFor, null, "supervision")]
    [InlineData("escalate-to-leader", TicketStatus.SignedFor, TicketStatus.SignedFor, null, "leader")]
    [InlineData("reply", TicketStatus.SignedFor, TicketStatus.Replied, "Resolved", "supervision,leader,revisit")]
    [InlineData("close", TicketStatus.Replied, TicketStatus.Closed, null, "revisit")]
    [InlineData("reopen", TicketStatus.Closed, TicketStatus.Reopened, null, "dispatch,supervision,revisit")]
    [InlineData("sla-warn", TicketStatus.Registered, TicketStatus.Registered, "Dispatch", "dispatch")]
    [InlineData("sla-warn", TicketStatus.SignedFor, TicketStatus.SignedFor, "Handling", "")]
    [InlineData("sla-breach", TicketStatus.SignedFor, TicketStatus.SignedFor, "Handling", "supervision")]
    [InlineData("sla-warn", TicketStatus.Replied, TicketStatus.Replied, "Revisit", "revisit")]
    [InlineData("withdraw", TicketStatus.SignedFor, TicketStatus.Closed, null, "supervision")] // ends its orders and extension request
    public void An_event_changes_the_queues_its_states_and_action_touch(string action, TicketStatus? from, TicketStatus to, string? detail, string queues)
    {
        var message = new TicketEventMessage(1, 1, "HL20261123000001", action, from, to, "scjg", HotlineFactory.Start) { Detail = detail };

        Assert.Equal(queues.Split(',', StringSplitOptions.RemoveEmptyEntries), LiveQueues.Affected(message));
    }

    [Fact]
    public void Department_handlers_work_no_centre_queue()
    {
        Assert.All(LiveQueues.RolesOf.Values, roles => Assert.DoesNotContain(Roles.DepartmentHandler, roles));
        Assert.Equal([LiveGroups.User("u1"), LiveGroups.Department("scjg")], LiveGroups.OnConnect(new Actor("u1", "承办人", Roles.DepartmentHandler, "scjg")));
    }
}
