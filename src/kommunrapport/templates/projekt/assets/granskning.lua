-- kommunrapport: granskarnas kommentarer, <!-- granskning: … -->, kommer aldrig med på en sida.
--
-- Granskaren skriver sina synpunkter i textfilen som kommentarer. En HTML-kommentar syns inte
-- på sidan men finns kvar i sidans källkod, så filtret tar bort varje granskningskommentar ur
-- sidan (HTML, Word och PDF). `kommunrapport build --publish` vägrar dessutom publicera en text
-- som har en kvar. Filtret läggs till i _quarto.yml (filters:); bygget kontrollerar att det
-- finns där när någon text har en granskningskommentar.

-- "<!--", blanksteg, "granskning" i stora eller små bokstäver, blanksteg, ":".
local function review_pattern()
  local letters = {}
  for ch in ("granskning"):gmatch(".") do
    letters[#letters + 1] = "[" .. ch .. ch:upper() .. "]"
  end
  return "<!%-%-%s*" .. table.concat(letters) .. "%s*:.-%-%->"
end

local REVIEW = review_pattern()

local function without_reviews(el)
  if not el.format:match("^html") then
    return nil
  end
  local text, count = el.text:gsub(REVIEW, "")
  if count == 0 then
    return nil
  end
  if text:match("^%s*$") then
    return {}
  end
  el.text = text
  return el
end

RawBlock = without_reviews
RawInline = without_reviews
