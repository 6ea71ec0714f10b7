-- kommunrapport: en synlig ruta överst på sidor vars text inte är klar: "Utkast" för ett
-- utkast, "Granskning" för en text som granskas.
--
-- Status kommer från sidans front matter (status: utkast | granskning | klar), som
-- analytikerna sätter i reports/<period>/<nämnd>.qmd. `kommunrapport build --publish`
-- vägrar publicera så länge någon text inte är klar, så en publicerad rapport har aldrig
-- rutan. Filtret läggs till i _quarto.yml (filters:) och gäller HTML, Word och PDF.
--
-- I Quarto skapas rutan med quarto.Callout (Quartos Lua-API för callouts); med ren
-- pandoc (tester) blir den en Div med klassen callout-warning.

local MESSAGES = {
  utkast = "Texten är ett utkast. Den är inte granskad och kan ändras.",
  granskning = "Texten granskas och kan ändras innan den beslutas.",
}

local TITLES = {
  utkast = "Utkast",
  granskning = "Granskning",
}

local function message(status)
  return MESSAGES[status]
    or ("Texten har status " .. status .. " och är inte klar.")
end

local function banner(status)
  local content = { pandoc.Para(pandoc.Inlines(message(status))) }
  local title = TITLES[status] or "Inte klar"
  if quarto ~= nil and quarto.Callout ~= nil then
    return quarto.Callout({
      type = "warning",
      title = title,
      content = content,
    })
  end
  return pandoc.Div(
    content,
    pandoc.Attr("", { "callout-warning", "kommunrapport-utkast" }, { { "title", title } })
  )
end

function Pandoc(doc)
  local status = doc.meta.status
  if status == nil then
    return nil
  end
  status = pandoc.utils.stringify(status)
  if status == "" or status == "klar" then
    return nil
  end
  doc.blocks:insert(1, banner(status))
  return doc
end
