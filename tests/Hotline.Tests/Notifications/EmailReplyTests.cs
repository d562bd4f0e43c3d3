using Hotline.Server.Notifications;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Hotline.Tests.Notifications;

/// <summary>Replies by email: reading them (unit), and the whole path through a real IMAP server (Dovecot).</summary>
public sealed class EmailReplyTests
{
    private const string Domain = "hotline.example.cn";

    private static MimeMessage Reply(string from, string subject, string text, string? inReplyTo = null)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("12345@example.cn"));
        if (inReplyTo is not null)
            message.InReplyTo = inReplyTo;
        return message;
    }

    [Fact]
    public void The_ticket_is_found_from_our_Message_ID_before_the_subject()
    {
        var byId = Reply("a@example.com", "Re: 您的诉求 HL20261123000009", "好的", inReplyTo: "HL20261123000001.3.dispatched@" + Domain);
        Assert.Equal("HL20261123000001", EmailReplies.TicketNumberOf(byId, Domain));
        var bySubject = Reply("a@example.com", "回复：工单 HL20261123000009 已转交", "好的", inReplyTo: "HL20261123000001.3.dispatched@elsewhere.example");
        Assert.Equal("HL20261123000009", EmailReplies.TicketNumberOf(bySubject, Domain)); // someone else's Message-ID proves nothing
        Assert.Null(EmailReplies.TicketNumberOf(Reply("a@example.com", "你好", "没有工单号"), Domain));
    }

    [Theory]
    [InlineData("门牌号是88号。\n\nOn Mon, 23 Nov 2026 at 10:00, 12345 <12345@example.cn> wrote:\n> 您的诉求已登记")]
    [InlineData("门牌号是88号。\n\n在 2026年11月23日 10:00，12345 写道：\n> 您的诉求已登记")]
    [InlineData("门牌号是88号。\n\n-----Original Message-----\nFrom: 12345\n您的诉求已登记")]
    [InlineData("门牌号是88号。\r\n\r\n------------------ 原始邮件 ------------------\r\n发件人: 12345\r\n您的诉求已登记")]
    [InlineData("门牌号是88号。\n> 您的诉求已登记\n> 工单编号")]
    public void Quoted_history_is_cut_off_whatever_the_mail_client(string text) =>
        Assert.Equal("门牌号是88号。", EmailReplies.StripQuoted(text));

    [Fact]
    public void An_HTML_only_reply_is_read_as_text()
    {
        var message = Reply("a@example.com", "Re: HL20261123000001", "");
        message.Body = new TextPart("html") { Text = "<div>已补充&nbsp;<b>照片</b></div><blockquote>旧内容</blockquote>" };
        var reply = EmailReplies.Read(message, Domain);
        Assert.NotNull(reply);
        Assert.Contains("已补充", reply.Text, StringComparison.Ordinal);
        Assert.Contains("照片", reply.Text, StringComparison.Ordinal);
    }

    [ImapFact]
    public async Task The_requesters_reply_from_the_inbox_resumes_the_ticket_and_strangers_and_strays_are_left_out()
    {
        await using var imap = await ImapServer.StartAsync();
        var factory = new HotlineFactory();
        factory.Settings["Notifications:Imap:Host"] = "127.0.0.1";
        factory.Settings["Notifications:Imap:Port"] = imap.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        factory.Settings["Notifications:Imap:Security"] = "None";
        factory.Settings["Notifications:Imap:UserName"] = ImapServer.User;
        factory.Settings["Notifications:Imap:Password"] = ImapServer.Password;
        factory.Settings["Notifications:Imap:PollSeconds"] = "0";
        factory.Settings["Notifications:Smtp:MessageIdDomain"] = Domain;
        try
        {
            var scjg = await factory.HandlerAsync("scjg");
            var number = (await Api.RegisterAsync(await factory.AgentAsync())).Number();
            await Api.ActAsync(await factory.DispatcherAsync(), number, "dispatch", Api.Dispatch("scjg"));
            await Api.ActAsync(scjg, number, "sign-for");
            await Api.ActAsync(scjg, number, "await-requester", new JsonObject { ["reason"] = "请补充具体门牌号。" });

            await AppendAsync(imap,
                Reply("Zhang@Example.com", $"Re: 工单 {number} 已转交常州市市场监督管理局办理", "具体门牌号是延陵中路88号。\n\n在 2026年11月23日 写道：\n> 您的工单已转交",
                    inReplyTo: $"{number}.2.dispatched@{Domain}"),
                Reply("someone-else@example.com", $"Re: 工单 {number}", "我不是诉求人，但想写进去。"),
                Reply("zhang@example.com", "你好", "没有工单号的邮件"));

            var reader = factory.Services.GetRequiredService<ImapReplyReader>();
            var poll = await reader.PollAsync(default);
            Assert.Equal((3, 1, 2), (poll.Read, poll.Accepted, poll.Ignored));

            var agent = await factory.AgentAsync();
            var events = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().ToList();
            var responded = events.Single(e => e.Str("action") == "requester-message");
            Assert.Equal("具体门牌号是延陵中路88号。", responded.GetProperty("change").Str("text"));
            Assert.True(responded.GetProperty("change").GetProperty("endedWait").GetBoolean());
            Assert.False((await Api.GetAsync(agent, $"/api/tickets/{number}")).TryGetProperty("awaitingRequesterSince", out _));
            var messages = (await Api.GetAsync(agent, $"/api/tickets/{number}/messages")).EnumerateArray().ToList();
            Assert.Equal(responded.GetProperty("version").GetInt32(), Assert.Single(messages).GetProperty("recordedAsEventVersion").GetInt32());
            Assert.Equal(0, await UnseenAsync(imap)); // all three were read and marked

            // Not waiting any more: a further reply is still in the history, and ends no wait.
            await AppendAsync(imap, Reply("zhang@example.com", $"Re: 工单 {number}", "另外，晚上十点后最吵。"));
            Assert.Equal(1, (await reader.PollAsync(default)).Accepted);
            messages = (await Api.GetAsync(agent, $"/api/tickets/{number}/messages")).EnumerateArray().ToList();
            Assert.Equal(2, messages.Count);
            Assert.Equal("另外，晚上十点后最吵。", messages[1].Str("text"));
            var later = (await Api.GetAsync(agent, $"/api/tickets/{number}/events")).EnumerateArray().Where(e => e.Str("action") == "requester-message").ToList();
            Assert.Equal(2, later.Count);
            Assert.Equal(later[1].GetProperty("version").GetInt32(), messages[1].GetProperty("recordedAsEventVersion").GetInt32());
            Assert.False(later[1].GetProperty("change").TryGetProperty("endedWait", out var ended) && ended.GetBoolean());
        }
        finally
        {
            await factory.DisposeAsync();
            factory.DeleteData();
        }
    }

    private static async Task AppendAsync(ImapServer server, params MimeMessage[] messages)
    {
        using var client = await ConnectAsync(server);
        foreach (var message in messages)
            await client.Inbox.AppendAsync(message, MessageFlags.None);
        await client.DisconnectAsync(true);
    }

    private static async Task<int> UnseenAsync(ImapServer server)
    {
        using var client = await ConnectAsync(server);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var count = (await client.Inbox.SearchAsync(SearchQuery.NotSeen)).Count;
        await client.DisconnectAsync(true);
        return count;
    }

    private static async Task<ImapClient> ConnectAsync(ImapServer server)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", server.Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(ImapServer.User, ImapServer.Password);
        return client;
    }
}
