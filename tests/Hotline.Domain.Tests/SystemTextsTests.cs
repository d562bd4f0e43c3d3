using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

public sealed class SystemTextsTests
{
    [Fact]
    public void Every_system_sentence_is_recognised_with_its_arguments()
    {
        Assert.Equal("RectificationReopen 不满意|2", Found(SystemTexts.RectificationReopen.Format("不满意", 2)));
        Assert.Equal("RectificationOrder 非常不满意", Found(SystemTexts.RectificationOrder.Format("非常不满意")));
        Assert.Equal("RectificationToLeader 3|不满意", Found(SystemTexts.RectificationToLeader.Format(3, "不满意")));
        Assert.Equal("HandlingOverdueOrder ", Found(SystemTexts.HandlingOverdueOrder.Chinese));
        Assert.Equal("ClosedWithMaster HL20261201000001", Found(SystemTexts.ClosedWithMaster.Format("HL20261201000001")));
    }

    [Theory]
    [InlineData("已上门核实，督促物业整改。")]
    [InlineData("整改督办：请尽快处理")]
    [InlineData("")]
    public void Text_people_wrote_is_not_a_system_sentence(string text) => Assert.Null(SystemTexts.Recognise(text));

    private static string Found(string text) => SystemTexts.Recognise(text) is { } f ? $"{f.Text.Key} {string.Join('|', f.Args)}" : "";
}
