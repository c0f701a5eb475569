pipeline 'build'
