pipeline {
    agent any
    stages {
        stage('deploy') {
            when {
                beforeAgent true
                allOf {
                    branch 'main'
                    not { changeRequest() }
                    anyOf { environment name: 'DEPLOY', value: 'true'; tag pattern: "v\\d+", comparator: "REGEXP" }
                }
                expression { return params.RUN_DEPLOY == true }
            }
            steps {
                echo 'deploying'
            }
        }
    }
}
