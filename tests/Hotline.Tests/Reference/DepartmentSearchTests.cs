using System.Globalization;
using Hotline.Server.Reference;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Reference;

/// <summary>
/// The dispatcher's department picker. Bug: 市场监管局, 市场监管, scjg and 住建局 found nothing, and "zjj" put
/// 常州经济开发区管理委员会 (whose initials merely contain it) first.
/// </summary>
public sealed class DepartmentSearchTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private ReferenceData Reference => fixture.Factory.Services.GetRequiredService<ReferenceData>();

    [Theory]
    [InlineData("常州市市场监督管理局", "scjg")] // full name
    [InlineData("市场监管局", "scjg")] // short name (简称)
    [InlineData("市场监管", "scjg")]
    [InlineData("scjg", "scjg")] // code
    [InlineData("scjgj", "scjg")] // initials of the short name
    [InlineData("住建局", "zjj")]
    [InlineData("zjj", "zjj")]
    [InlineData("住房", "zjj")]
    [InlineData("zfhcx", "zjj")] // inside the full name's initials
    [InlineData("人社局", "rsj")]
    [InlineData("经开区", "jingkai-gov")]
    [InlineData("Market Regulation", "scjg")] // English name
    public void A_department_is_found_first_by_full_name_short_name_code_or_pinyin(string typed, string code)
    {
        var found = Reference.SearchDepartments(typed);
        Assert.NotEmpty(found);
        Assert.Equal(code, found[0].Code);
    }

    [Fact]
    public void Department_names_follow_the_readers_language()
    {
        var before = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentUICulture = new CultureInfo("en");
            Assert.Equal("Changzhou Human Resources and Social Security Bureau", Reference.DepartmentName("rsj"));
            CultureInfo.CurrentUICulture = new CultureInfo("zh-CN");
            Assert.Equal("常州市人力资源和社会保障局", Reference.DepartmentName("rsj"));
        }
        finally
        {
            CultureInfo.CurrentUICulture = before;
        }
    }
}
