-- What Quarto does with an image's fig-alt, for the pandoc stand-in (tests/e2e/pandoc_standin.py):
-- for HTML and typst it becomes the image's alt attribute (quarto-cli
-- src/resources/filters/quarto-pre/figures.lua); for docx Quarto 1.10.18 does nothing with it
-- (measured: every wp:docPr had descr=""), so it is left as it is.
function Image(img)
  local alt = img.attributes["fig-alt"]
  if alt == nil then
    return nil
  end
  if FORMAT:match("html") or FORMAT:match("typst") then
    img.attributes["alt"] = alt
    img.attributes["fig-alt"] = nil
    return img
  end
  return nil
end
