module.exports = require("./mochaShards").shard("a");
