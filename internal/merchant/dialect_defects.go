package merchant

// The dialect defects (issue 18): mistakes of a merchant that gets its own dialect wrong,
// each showing only under the preset its catalog entry names (DefectInfo.Preset).

// dialectCatalog is the catalog's part about dialects, each entry with the preset it shows
// under.
var dialectCatalog = []DefectInfo{}
