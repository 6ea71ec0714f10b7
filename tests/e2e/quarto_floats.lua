-- Emulates Quarto 1.10's rendering of a table float (FloatRefTarget) for docx and typst,
-- after quarto-cli src/resources/filters/customnodes/floatreftarget.lua and
-- layout/docx.lua, layout/typst.lua: a Div #tbl-x with the attribute tbl-cap stands for
-- the embedded cell.
--   docx:  a one-cell layout table (alignment from tbl-align, default centre) holding the
--          caption (style ImageCaption, left), the table (widths made to sum to 100 %)
--          and whatever follows it in the cell output (the notes).
--   typst: #figure([ content ], caption: figure.caption(position: top, [..]),
--          kind: "quarto-float-tbl", supplement: "Tabell", numbering: "1")<tbl-x>
-- Not emulated: cross-reference numbering (every caption says "Tabell 1").
local function caption_of(div)
  return div.attributes["tbl-cap"] or ""
end
function Div(div)
  if not div.identifier:match("^tbl%-") then return nil end
  local cap = pandoc.Inlines(pandoc.read(caption_of(div), "markdown").blocks[1].content)
  local prefix = pandoc.Inlines({pandoc.Str("Tabell"), pandoc.Str("\u{a0}"), pandoc.Str("1:"), pandoc.Space()})
  if FORMAT == "docx" then
    local align = div.attributes["tbl-align"] or "center"
    local caption = pandoc.Para({pandoc.RawInline("openxml",
      '<w:pPr>\n<w:jc w:val="left"/>\n<w:spacing w:before="200" />\n<w:pStyle w:val="ImageCaption" />\n</w:pPr>\n')})
    caption.content:extend(prefix); caption.content:extend(cap)
    local cell = pandoc.Div({caption})
    cell.content:extend(div.content)
    local al = ({left="AlignLeft", center="AlignCenter", right="AlignRight"})[align]
    if align == "center" then
      cell = cell:walk({Table = function(t)
        local colspecs = t.colspecs
        local n = #colspecs
        local total = 0
        for _, c in ipairs(colspecs) do total = total + (c[2] or 0) end
        if total == 0 then
          for i, c in ipairs(colspecs) do colspecs[i] = {c[1], 1/n} end
        else
          for i, c in ipairs(colspecs) do colspecs[i] = {c[1], c[2]/total} end
        end
        t.colspecs = colspecs
        return t
      end})
    end
    local st = pandoc.SimpleTable({}, {al}, {1}, {}, {{cell.content}})
    return pandoc.utils.from_simple_table(st)
  elseif FORMAT == "typst" then
    local out = pandoc.Blocks({pandoc.RawBlock("typst", "#figure([")})
    out:extend(div.content)
    local c = pandoc.Plain({pandoc.RawInline("typst", '], caption: figure.caption(position: top, [')})
    c.content:extend(cap)
    c.content:insert(pandoc.RawInline("typst", ']), kind: "quarto-float-tbl", supplement: "Tabell", numbering: "1", )<' .. div.identifier .. '>\n\n'))
    out:insert(c)
    return out
  end
end
