using System.Net.Http.Headers;
using MiniExcelLibs;

namespace Hotline.Tests.Enterprises;

/// <summary>企业库 import from an .xlsx workbook (as an editor saves it from Excel), through the same endpoint the enterprises page uses.</summary>
public sealed class EnterpriseImportTests(HotlineFixture fixture) : IClassFixture<HotlineFixture>
{
    private static Dictionary<string, object?> Row(string creditCode, string? name, string email, string district = "天宁区") => new()
    {
        ["统一社会信用代码"] = creditCode, ["企业名称"] = name, ["行业门类"] = "C", ["所在区"] = district, ["企业规模"] = "小型",
        ["登记注册类型"] = "有限责任公司", ["标签"] = "高新技术企业、专精特新", ["联系人"] = "王经理", ["电话"] = "13800000001", ["邮箱"] = email, ["订阅"] = "是",
    };

    private static byte[] Workbook(IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows.ToList(), excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    private static async Task<JsonElement> ImportAsync(HttpClient client, byte[] xlsx)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(xlsx);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        form.Add(file, "file", "企业名录.xlsx");
        using var response = await client.PostAsync("/api/enterprises/import", form);
        return await Api.ExpectAsync(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_xlsx_import_stores_the_good_rows_and_reports_each_rejected_row_with_its_reasons()
    {
        var editor = await fixture.Factory.ClientAsync(Roles.KnowledgeEditor);
        var xlsx = Workbook([
            Row(PolicyPushTests.Code(801), "常州甲精密机械有限公司", "old@jia.example.com"),          // row 2
            Row("91320400MA0000006X", "常州坏代码有限公司", "bad@example.com"),                       // row 3: check character wrong
            Row(PolicyPushTests.Code(803), null, "noname@example.com"),                                // row 4: no name
            Row(PolicyPushTests.Code(804), "常州丁电子有限公司", "ding@example.com", district: "钟楼区"), // row 5
            Row(PolicyPushTests.Code(801), "常州甲精密机械股份有限公司", "new@jia.example.com"),       // row 6: row 2 again, corrected
        ]);

        var report = await ImportAsync(editor, xlsx);

        Assert.Equal((5, 2, 0), (report.GetProperty("rows").GetInt32(), report.GetProperty("added").GetInt32(), report.GetProperty("updated").GetInt32()));
        var rejected = report.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([3, 4], rejected.Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(["creditCode"], rejected[0].GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.Equal(["name"], rejected[1].GetProperty("errors").EnumerateObject().Select(p => p.Name));
        Assert.All(rejected, r => Assert.All(r.GetProperty("errors").EnumerateObject(), p => Assert.False(string.IsNullOrWhiteSpace(p.Value[0].GetString()))));

        // The duplicate's later row wins, the report says which row it replaced, and the enterprise is stored once, as the workbook says it.
        var superseded = Assert.Single(report.GetProperty("superseded").EnumerateArray());
        Assert.Equal((2, 6, PolicyPushTests.Code(801)), (superseded.GetProperty("row").GetInt32(), superseded.GetProperty("by").GetInt32(), superseded.Str("creditCode")));
        var jia = await Api.GetAsync(editor, $"/api/enterprises/{PolicyPushTests.Code(801)}");
        Assert.Equal(("常州甲精密机械股份有限公司", "new@jia.example.com", "C", "tianning", "Small", "import"),
            (jia.Str("name"), jia.Str("email"), jia.Str("industry"), jia.Str("districtCode"), jia.Str("size"), jia.Str("source")));
        Assert.Equal(["高新技术企业", "专精特新"], jia.GetProperty("tags").Strings());
        Assert.True(jia.GetProperty("subscribed").GetBoolean());
        Assert.Equal("zhonglou", (await Api.GetAsync(editor, $"/api/enterprises/{PolicyPushTests.Code(804)}")).Str("districtCode"));
        foreach (var missing in new[] { "91320400MA0000006X", PolicyPushTests.Code(803) })
        {
            using var response = await editor.GetAsync($"/api/enterprises/{missing}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        // The same workbook again adds nothing: the good rows update the enterprises they made.
        var again = await ImportAsync(editor, xlsx);
        Assert.Equal((5, 0, 2, 2), (again.GetProperty("rows").GetInt32(), again.GetProperty("added").GetInt32(), again.GetProperty("updated").GetInt32(),
            again.GetProperty("rejected").GetArrayLength()));
    }

    [Fact]
    public async Task A_file_that_is_not_a_workbook_is_refused_by_field_and_an_agent_may_not_import()
    {
        var editor = await fixture.Factory.ClientAsync(Roles.KnowledgeEditor);
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent("not a zip at all"u8.ToArray()), "file", "企业名录.xlsx");
            using var response = await editor.PostAsync("/api/enterprises/import", form);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("file", out _));
        }
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Workbook([Row(PolicyPushTests.Code(810), "常州戊有限公司", "wu@example.com")])), "file", "企业名录.xlsx");
            using var response = await (await fixture.Factory.AgentAsync()).PostAsync("/api/enterprises/import", form);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }
        using var absent = await editor.GetAsync($"/api/enterprises/{PolicyPushTests.Code(810)}");
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }
}
