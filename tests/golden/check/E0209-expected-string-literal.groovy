pipeline {
    agent any
    stages {
        stage("build ${env.BRANCH_NAME}") {
            steps {
                echo 'hi'
            }
        }
    }
}
