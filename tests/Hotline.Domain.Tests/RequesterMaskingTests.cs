using Hotline.Domain.Access;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public class RequesterMaskingTests
{
    private static Requester ConfidentialReporter() => Given.Citizen() with { Confidential = true };

    [Fact]
    public void A_confidential_reporter_is_masked_for_ordinary_viewers()
    {
        var seen = ConfidentialReporter().ForViewer(seesConfidential: false);

        Assert.Equal("张**", seen.Name);
        Assert.Equal("138****5678", seen.Phone);
        Assert.Equal("z***@example.com", seen.Email);
        Assert.True(seen.Confidential);
    }

    [Fact]
    public void A_confidential_enterprise_has_its_contact_person_and_credit_code_masked()
    {
        var seen = (Given.Enterprise() with { Confidential = true }).ForViewer(seesConfidential: false);

        Assert.Equal("林*", seen.ContactPerson);
        Assert.Equal("小********", seen.Name); // ten characters: the first, then at most eight stars
        Assert.Equal("051****1234", seen.Phone);
        Assert.Equal("91****************", seen.CreditCode); // the public registry would name the enterprise
        Assert.Equal(RequesterKind.Enterprise, seen.Kind);
    }

    [Fact]
    public void Absent_email_and_contact_person_stay_absent_when_masked()
    {
        var seen = (ConfidentialReporter() with { Email = null }).ForViewer(seesConfidential: false);

        Assert.Null(seen.Email);
        Assert.Null(seen.ContactPerson);
    }

    [Fact]
    public void A_confidential_reporter_is_shown_in_full_to_privileged_viewers()
    {
        var reporter = ConfidentialReporter();

        Assert.Equal(reporter, reporter.ForViewer(seesConfidential: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_requester_who_did_not_ask_for_confidentiality_is_never_masked(bool seesConfidential)
    {
        var citizen = Given.Citizen();

        Assert.Equal(citizen, citizen.ForViewer(seesConfidential));
    }

    [Theory]
    [InlineData("张三丰", "张**")]
    [InlineData("李四", "李*")]
    [InlineData("王", "*")]
    [InlineData("", "*")]
    [InlineData("欧阳娜娜", "欧***")]
    [InlineData("常州市天宁区某某超市有限公司", "常********")] // at most eight stars, so the length is not revealed
    public void Names_keep_only_their_first_character(string name, string masked) =>
        Assert.Equal(masked, Masking.MaskName(name));

    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0519-86001234", "051****1234")]
    [InlineData("1234567", "123****4567")]
    [InlineData("123456", "******")]
    [InlineData("", "")]
    public void Phones_keep_only_their_first_three_and_last_four_digits(string phone, string masked) =>
        Assert.Equal(masked, Masking.MaskPhone(phone));

    [Theory]
    [InlineData("zhang@example.com", "z***@example.com")]
    [InlineData("a@b.cn", "a***@b.cn")]
    [InlineData("@example.com", "***")]
    [InlineData("no-at-sign", "***")]
    public void Emails_keep_only_their_first_character_and_domain(string email, string masked) =>
        Assert.Equal(masked, Masking.MaskEmail(email));

    [Theory]
    [InlineData(Roles.Supervisor, true)]
    [InlineData(Roles.Admin, true)]
    [InlineData(Roles.Agent, false)]
    [InlineData(Roles.Dispatcher, false)]
    [InlineData(Roles.DepartmentHandler, false)]
    [InlineData(Roles.Leader, false)]
    public void Only_supervisors_and_admins_see_confidential_requesters(string role, bool sees) =>
        Assert.Equal(sees, new Actor("x1", "某人", role, role == Roles.DepartmentHandler ? "scjg" : null).SeesConfidentialRequesters);

    [Fact]
    public void Every_known_role_is_decided_about_confidential_requesters() =>
        Assert.Equal([Roles.Supervisor, Roles.Admin],
            Roles.All.Where(r => new Actor("x", "x", r, null).SeesConfidentialRequesters));

    [Fact]
    public void The_system_actor_is_an_admin_that_sees_everything()
    {
        Assert.Equal(Roles.Admin, Actor.System.Role);
        Assert.True(Actor.System.SeesConfidentialRequesters);
        Assert.False(Actor.System.IsDepartmentHandler);
    }

    [Fact]
    public void The_ticket_shows_its_requester_masked_through_the_same_rule()
    {
        var draft = Given.Draft() with { Type = TicketType.Report, Requester = ConfidentialReporter() };
        var (ticket, _) = Ticket.Register("HL20261122000001", draft, Given.Agent, Given.Morning);

        Assert.Equal("张**", ticket.Requester.ForViewer(Given.Agent.SeesConfidentialRequesters).Name);
        Assert.Equal("张三丰", ticket.Requester.ForViewer(Given.Supervisor.SeesConfidentialRequesters).Name);
    }

    [Fact]
    public void Unknown_roles_are_not_known() =>
        Assert.False(Roles.IsKnown("agent"));
}
