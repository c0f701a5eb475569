pipeline {
    agent any
    stages {
        stage('build') {
            when {
                expression { return params.DEPLOY }
            }
            steps {
                echo 'hi'
            }
        }
    }
}
