pipeline {
    agent any
    stages {
        stage('script') {
            steps {
                script {
                    def items = ['a', 'b']
                    for (item in items) {
                        echo "item ${item}"
                    }
                    if (env.BRANCH_NAME == 'main') {   
                        sh '''
                            make release
                        '''
                    }
                }
                script { echo 'one line' }
            }
        }
    }
}
